import ArgumentParser
import CustomerContexts
import Foundation
import KinexusServiceKit

/// The customer-context service, one process: `kinexus customer-context`.
public struct CustomerContextCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "customer-context", abstract: "Enriches support tickets with the customer's context and knowledge.")

    public init() {}

    public func run() async throws {
        let runtime = configured { try ServiceRuntime(service: "customer-context") }
        let service = configured {
            try CustomerContextService(postgres: runtime.postgres, redis: runtime.redis, environment: ProcessInfo.processInfo.environment,
                                       logger: runtime.logger)
        }
        try await runtime.run(migrations: try CustomerContextService.migrations(), warmUp: service.warmUp,
                              subscriptions: try service.subscriptions(), background: service.background)
    }
}
