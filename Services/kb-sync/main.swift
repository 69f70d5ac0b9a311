import Foundation
import KinexusServiceKit
import KnowledgeBase
import KnowledgeIndexing

let runtime = configured { try ServiceRuntime(service: "kb-sync") }
let embedder = configured { try EmbedderConfiguration.embedder(environment: ProcessInfo.processInfo.environment, logger: runtime.logger) }
let sync = KnowledgeSync(
    store: KnowledgeStore(client: runtime.postgres, logger: runtime.logger),
    sources: KnowledgeSources(client: runtime.postgres, logger: runtime.logger),
    runs: SyncRuns(client: runtime.postgres, logger: runtime.logger),
    chunker: MarkdownChunker(), embedder: embedder,
    consumer: runtime.configuration.bus.consumer, logger: runtime.logger)
try await runtime.run(migrations: try KnowledgeStore.migrations(), subscriptions: try sync.subscriptions())
