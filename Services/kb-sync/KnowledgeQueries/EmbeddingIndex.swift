import KinexusPostgres
import Logging
import PostgresNIO

/// Every chunk's embedding in memory, for the nearest-neighbour half of retrieval: Postgres has no vector
/// index here (no pgvector in Debian 12), and one scan of 100,000 × 256 floats takes milliseconds. It catches
/// up with `kb.state.generation`: new chunks are read by id (ids only grow), deleted ones dropped.
public actor EmbeddingIndex {
    /// What a search scans: immutable, so searches run outside the actor while it catches up.
    struct Snapshot: Sendable {
        var ids: [Int64] = []
        var vectors: [Float] = []
        var dimensions = 0
        var live: [Bool] = []
    }

    let client: PostgresClient
    let logger: Logger
    private var snapshot = Snapshot()
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
    func current() async throws -> Snapshot {
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
            if next.dimensions == 0 { next.dimensions = embedding.count }
            guard embedding.count == next.dimensions else { continue }
            next.ids.append(id)
            next.vectors += embedding
            next.live.append(true)
            newestID = max(newestID, id)
        }
        var existing: Set<Int64> = []
        for try await id in try await client.tracedQuery("SELECT chunk_id FROM kb.chunks", logger: logger).decode(Int64.self) {
            existing.insert(id)
        }
        for index in next.ids.indices where next.live[index] && !existing.contains(next.ids[index]) { next.live[index] = false }
        // Mostly deletions: start again compact (an embedder change also lands here, with its new dimension).
        if next.live.filter({ !$0 }).count > next.ids.count / 2 {
            next = Snapshot()
            newestID = 0
            generation = -1
            snapshot = next
            return try await current()
        }
        snapshot = next
        generation = latest
        return next
    }

    /// The `count` chunks nearest to `query` by cosine (vectors are unit length), best first.
    public nonisolated func nearest(to query: [Float], count: Int) async throws -> [(id: Int64, similarity: Float)] {
        let snapshot = try await current()
        return Self.scan(snapshot, query: query, count: count)
    }

    nonisolated static func scan(_ snapshot: Snapshot, query: [Float], count: Int) -> [(id: Int64, similarity: Float)] {
        let dimensions = snapshot.dimensions
        guard dimensions > 0, query.count == dimensions, count > 0 else { return [] }
        // Sixteen lanes at a time: the dot products are the whole cost of a search.
        let lanes = dimensions / 16
        let queryLanes = (0..<lanes).map { lane in SIMD16<Float>(query[(lane * 16)..<(lane * 16 + 16)]) }
        var best: [(id: Int64, similarity: Float)] = []
        snapshot.vectors.withUnsafeBytes { vectors in
            for row in 0..<snapshot.ids.count where snapshot.live[row] {
                let offset = row * dimensions * MemoryLayout<Float>.stride
                var lanesSum = SIMD16<Float>()
                for lane in 0..<lanes {
                    lanesSum += vectors.loadUnaligned(fromByteOffset: offset + lane * 64, as: SIMD16<Float>.self) * queryLanes[lane]
                }
                var sum = lanesSum.sum()
                for column in (lanes * 16)..<dimensions {
                    sum += vectors.loadUnaligned(fromByteOffset: offset + column * 4, as: Float.self) * query[column]
                }
                if best.count < count {
                    best.append((snapshot.ids[row], sum))
                    if best.count == count { best.sort { $0.similarity > $1.similarity } }
                } else if sum > best[count - 1].similarity {
                    var position = count - 1
                    while position > 0, best[position - 1].similarity < sum { position -= 1 }
                    best.insert((snapshot.ids[row], sum), at: position)
                    best.removeLast()
                }
            }
        }
        return best.sorted { $0.similarity > $1.similarity }
    }
}
