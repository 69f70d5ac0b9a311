import KinexusPostgres
import KnowledgeIndexing
import Logging
import PostgresNIO

/// Every chunk's embedding in memory, for the nearest-neighbour half of retrieval: Postgres has no vector
/// index here (no pgvector in Debian 12), and one scan of 100,000 × 256 floats takes milliseconds. It catches
/// up with `kb.state.generation`: new chunks are read by id (ids only grow), deleted ones dropped.
public actor EmbeddingIndex {
    let client: PostgresClient
    let logger: Logger
    /// What a search scans: a value, so searches run outside the actor while it catches up.
    private var snapshot = VectorTable()
    private var generation: Int64 = -1
    private var newestID: Int64 = 0

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Reads every embedding now, so the first search does not pay for it; answers how many there are.
    @discardableResult
    public func load() async throws -> Int {
        let started = ContinuousClock.now
        let count = try await current().ids.count
        logger.info("embedding index loaded", metadata: ["chunks": "\(count)", "duration": "\(ContinuousClock.now - started)"])
        return count
    }

    /// The current snapshot, after catching up when the knowledge changed.
    func current() async throws -> VectorTable {
        // Before kb-sync has created its tables there is no knowledge to hold.
        guard let state = try await client.queryIfTablesExist("SELECT generation FROM kb.state", logger: logger) else {
            return snapshot
        }
        var latest: Int64 = 0
        for try await value in state.decode(Int64.self) { latest = value }
        guard latest != generation else { return snapshot }
        var next = snapshot
        let rows = try await client.tracedQuery("""
            SELECT chunk_id, embedding FROM kb.chunks WHERE chunk_id > \(newestID) ORDER BY chunk_id
            """, logger: logger)
        for try await (id, embedding) in rows.decode((Int64, [Float]).self) {
            next.append(id, embedding)
            newestID = max(newestID, id)
        }
        var existing: Set<Int64> = []
        for try await id in try await client.tracedQuery("SELECT chunk_id FROM kb.chunks", logger: logger).decode(Int64.self) {
            existing.insert(id)
        }
        next.retain { existing.contains($0) }
        // Mostly deletions: start again compact (an embedder change also lands here, with its new dimension).
        if next.deadCount > next.ids.count / 2 {
            snapshot = VectorTable()
            newestID = 0
            generation = -1
            return try await current()
        }
        snapshot = next
        generation = latest
        return next
    }

    /// The `count` chunks nearest to `query` by cosine (vectors are unit length), best first.
    public nonisolated func nearest(to query: [Float], count: Int) async throws -> [(id: Int64, similarity: Float)] {
        try await current().nearest(to: query, count: count)
    }
}
