import ArgumentParser
import Foundation
import KinexusServiceKit
import KnowledgeBase

/// The kb-sync service, one process: `kinexus kb-sync`.
public struct KnowledgeSyncCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kb-sync", abstract: "Indexes published pages and bucket objects for retrieval.")

    public init() {}

    public func run() async throws {
        let runtime = configured { try ServiceRuntime(service: "kb-sync") }
        let sync = configured {
            try KnowledgeSync.composed(postgres: runtime.postgres, consumer: runtime.configuration.bus.consumer,
                                       environment: ProcessInfo.processInfo.environment, logger: runtime.logger)
        }
        try await runtime.run(migrations: try KnowledgeSync.migrations(), subscriptions: try sync.subscriptions())
    }
}
