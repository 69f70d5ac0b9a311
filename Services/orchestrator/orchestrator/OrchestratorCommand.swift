import ArgumentParser
import Foundation
import KinexusServiceKit
import Orchestration

/// The orchestrator service, one process: `kinexus orchestrator`.
public struct OrchestratorCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "orchestrator", abstract: "Writes a document version for each detected change and revision request.")

    public init() {}

    public func run() async throws {
        let runtime = configured { try ServiceRuntime(service: "orchestrator") }
        let orchestrator = configured {
            try Orchestrator.composed(postgres: runtime.postgres, environment: ProcessInfo.processInfo.environment, logger: runtime.logger)
        }
        try await runtime.run(migrations: try Orchestrator.migrations(), subscriptions: try orchestrator.subscriptions())
    }
}
