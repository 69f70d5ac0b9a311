import ArgumentParser
import EventRouting
import Foundation
import KinexusServiceKit

/// The event-router service, one process: `kinexus event-router`.
public struct EventRouterCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "event-router", abstract: "Delivers the events of users' rules to their API destinations.")

    public init() {}

    public func run() async throws {
        let runtime = configured { try ServiceRuntime(service: "event-router") }
        let router = configured {
            try EventRouter.composed(postgres: runtime.postgres, redis: runtime.redis, bus: runtime.configuration.bus,
                                     environment: ProcessInfo.processInfo.environment, logger: runtime.logger)
        }
        try await runtime.run(migrations: try EventRouter.migrations(), background: [router])
    }
}
