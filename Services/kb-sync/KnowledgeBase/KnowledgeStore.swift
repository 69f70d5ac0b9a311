import Foundation
import KinexusPostgres
import KnowledgeIndexing
import KnowledgeQueries
import Logging
import PostgresNIO

/// kb-sync's `kb` tables: sources and their chunks, written by the indexer.
struct KnowledgeStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static func migrations() throws -> [Migration] {
        try Migration.loadBundled(Bundle.module.url(forResource: "Migrations", withExtension: nil), owner: "kb-sync")
    }

    enum Indexed: Sendable, Equatable {
        /// The source's text was already indexed under this embedder.
        case unchanged
        case indexed(chunks: Int)
    }

    /// Chunks, embeds and stores the source, replacing its earlier chunks, unless its content hash says
    /// nothing changed. Embedding happens before the transaction, which only writes.
    func index(_ source: KnowledgeSource, chunker: MarkdownChunker, embedder: any Embedder) async throws -> Indexed {
        let hash = ContentHash.of(embedder.name + "\n" + source.text)
        if try await contentHash(of: source.id) == hash { return .unchanged }
        let chunks = chunker.chunks(of: source.text, title: source.title)
        let vectors = try await embedder.embed(chunks.map { $0.heading + "\n" + $0.text })
        return try await client.transaction(logger: logger) { connection in
            // One writer per source at a time: concurrent deliveries of one change wait here, then see it done.
            try await connection.tracedQuery("SELECT pg_advisory_xact_lock(hashtextextended(\(source.id), 1))", logger: logger)
            let current = try await connection.tracedQuery("SELECT content_hash FROM kb.sources WHERE source_id = \(source.id)", logger: logger)
            for try await existing in current.decode(String.self) where existing == hash { return .unchanged }
            try await connection.tracedQuery("DELETE FROM kb.chunks WHERE source_id = \(source.id)", logger: logger)
            try await connection.tracedQuery("""
                INSERT INTO kb.sources (source_id, kind, title, location, content_hash, chunk_count)
                VALUES (\(source.id), \(source.kind.rawValue), \(source.title), \(source.location), \(hash), \(chunks.count))
                ON CONFLICT (source_id) DO UPDATE SET title = excluded.title, location = excluded.location,
                    content_hash = excluded.content_hash, chunk_count = excluded.chunk_count, indexed_at = now()
                """, logger: logger)
            // All chunks in one statement; an embedding travels as its array literal, one per row.
            try await connection.tracedQuery("""
                INSERT INTO kb.chunks (source_id, position, heading, content, embedding)
                SELECT \(source.id), position, heading, content, embedding::real[]
                FROM unnest(\(chunks.map(\.position)), \(chunks.map(\.heading)), \(chunks.map(\.text)),
                            \(vectors.map(Self.arrayLiteral))) AS chunk(position, heading, content, embedding)
                """, logger: logger)
            try await connection.tracedQuery("UPDATE kb.state SET generation = generation + 1", logger: logger)
            return .indexed(chunks: chunks.count)
        }
    }

    /// Deletes the source and its chunks; answers whether there was one.
    @discardableResult
    func delete(_ sourceID: String) async throws -> Bool {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.tracedQuery("DELETE FROM kb.sources WHERE source_id = \(sourceID) RETURNING 1", logger: logger)
            var deleted = false
            for try await _ in rows { deleted = true }
            if deleted { try await connection.tracedQuery("UPDATE kb.state SET generation = generation + 1", logger: logger) }
            return deleted
        }
    }

    /// Deletes every source located under `prefix` and their chunks.
    func deleteSources(locatedUnder prefix: String) async throws {
        try await client.transaction(logger: logger) { connection in
            let pattern = prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            try await connection.tracedQuery("DELETE FROM kb.sources WHERE location LIKE \(pattern)", logger: logger)
            try await connection.tracedQuery("UPDATE kb.state SET generation = generation + 1", logger: logger)
        }
    }

    /// The ids of every indexed source of a kind.
    func sourceIDs(_ kind: KnowledgeSource.Kind) async throws -> Set<String> {
        var ids: Set<String> = []
        let rows = try await client.tracedQuery("SELECT source_id FROM kb.sources WHERE kind = \(kind.rawValue)", logger: logger)
        for try await id in rows.decode(String.self) { ids.insert(id) }
        return ids
    }

    /// `{0.125,-0.5,…}`: Postgres's text form of an array.
    static func arrayLiteral(_ vector: [Float]) -> String {
        "{" + vector.map { String($0) }.joined(separator: ",") + "}"
    }

    private func contentHash(of sourceID: String) async throws -> String? {
        let rows = try await client.tracedQuery("SELECT content_hash FROM kb.sources WHERE source_id = \(sourceID)", logger: logger)
        for try await hash in rows.decode(String.self) { return hash }
        return nil
    }
}
