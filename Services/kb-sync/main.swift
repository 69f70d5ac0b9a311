import KinexusServiceKit
import KnowledgeBase
import KnowledgeIndexing

let runtime = configured { try ServiceRuntime(service: "kb-sync") }
let sync = KnowledgeSync(
    store: KnowledgeStore(client: runtime.postgres, logger: runtime.logger),
    sources: KnowledgeSources(client: runtime.postgres, logger: runtime.logger),
    runs: SyncRuns(client: runtime.postgres, logger: runtime.logger),
    chunker: MarkdownChunker(), embedder: FeatureHashingEmbedder(),
    consumer: runtime.configuration.bus.consumer, logger: runtime.logger)
try await runtime.run(migrations: try KnowledgeStore.migrations(), subscriptions: try sync.subscriptions())
