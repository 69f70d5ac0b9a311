import ArgumentParser
import Codegen
import Foundation
import KinexusServiceKit

/// The codegen service, one process: `kinexus codegen`.
public struct CodegenCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "codegen", abstract: "Runs coding agents for requested tasks and opens their pull requests.")

    public init() {}

    public func run() async throws {
        let runtime = configured { try ServiceRuntime(service: "codegen") }
        let settings = configured { try CodegenSettings(environment: ProcessInfo.processInfo.environment) }
        let worker = CodegenWorker.composed(postgres: runtime.postgres, settings: settings, consumer: runtime.configuration.bus.consumer,
                                            maxAttempts: runtime.configuration.bus.maxAttempts, logger: runtime.logger)
        runtime.logger.info("codegen ready", metadata: [
            "max_sessions": "\(settings.maxSessions)", "agent": "\(settings.agentCommand == nil ? "scaffold" : "command")",
            "code_host": "\(settings.gitHub == nil ? "local repositories in \(settings.repositories)" : "GitHub \(settings.repository)")",
        ])
        try await runtime.run(migrations: try CodegenWorker.migrations(), warmUp: { try await AgentLifeline.endOrphans(logger: runtime.logger) },
                              subscriptions: try worker.subscriptions())
    }
}
