import KnowledgeIndexing
import KnowledgeQueries
import Logging
import PostgresNIO

/// Indexing as a program other than kb-sync may drive it: the CLI's benchmark indexes synthetic sources
/// through it and removes them after, so every write to the `kb` tables stays in this module.
public struct KnowledgeIndexer: Sendable {
    let store: KnowledgeStore
    let embedder: any Embedder

    public init(postgres: PostgresClient, embedder: any Embedder, logger: Logger) {
        store = KnowledgeStore(client: postgres, logger: logger)
        self.embedder = embedder
    }

    /// The chunks written; 0 when the source is indexed as it is already.
    public func index(_ source: KnowledgeSource) async throws -> Int {
        guard case .indexed(let chunks) = try await store.index(source, chunker: MarkdownChunker(), embedder: embedder) else { return 0 }
        return chunks
    }

    /// Removes every source located under `prefix`, with its chunks.
    public func removeSources(locatedUnder prefix: String) async throws {
        try await store.deleteSources(locatedUnder: prefix)
    }
}
