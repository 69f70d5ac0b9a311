import ArgumentParser
import Foundation
import KinexusServiceKit
import Reviewing

/// The reviewer service, one process: `kinexus reviewer`.
public struct ReviewerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "reviewer", abstract: "Opens a review with its diff for each generated document.")

    public init() {}

    public func run() async throws {
        let runtime = configured { try ServiceRuntime(service: "reviewer") }
        let reviewer = configured {
            try Reviewer.composed(postgres: runtime.postgres, redis: runtime.redis, environment: ProcessInfo.processInfo.environment,
                                  logger: runtime.logger)
        }
        try await runtime.run(migrations: try Reviewer.migrations(), subscriptions: try reviewer.subscriptions())
    }
}
