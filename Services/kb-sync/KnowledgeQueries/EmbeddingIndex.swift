import Foundation
import KinexusPostgres
import KnowledgeIndexing
import Logging
import NIOPosix
import PostgresNIO

/// Every chunk's embedding in memory as 8-bit codes (`QuantisedTable`), for the semantic half of retrieval:
/// Postgres has no vector index here (no pgvector in Debian 12), and a million embeddings as floats would be a
/// gigabyte. What the codes find, the retriever re-ranks by the exact embeddings Postgres holds. It catches up with
/// `kb.state.generation`: new chunks are read by id (ids only grow), deleted ones dropped when Postgres holds
/// fewer than the table; when most chunks have another dimension (a new embedder), it starts again in theirs.
///
/// With a directory, the table is saved there after a large catch-up and restored at start, so a million
/// chunks load in a second instead of being read from Postgres again.
public actor EmbeddingIndex {
    let client: PostgresClient
    let logger: Logger
    let directory: String?
    /// Chunks added since the table was last saved before it is saved again (or a quarter of the table, if more).
    let saveEvery: Int
    /// What a search scans: a value, so searches run outside the actor on their own copy.
    private var snapshot = QuantisedTable()
    private var generation: Int64 = -1
    private var newestID: Int64 = 0
    private var addedSinceSave = 0
    /// Chunks left out because their embedding has another dimension than the table's (an embedder changing).
    private var skipped = 0
    private var restoreTried = false
    private var catchingUp: Task<QuantisedTable, any Error>?

    /// Candidates a search re-ranks by their exact embeddings: the codes' similarities are within about 0.01, and
    /// the exact ten nearest were among the first hundred by code for every query measured.
    public static let candidates = 100

    public init(client: PostgresClient, logger: Logger, savedIn directory: String? = nil, saveEvery: Int = 10_000) {
        self.client = client
        self.logger = logger
        self.directory = directory
        self.saveEvery = saveEvery
    }

    /// Reads every embedding now, so the first search does not pay for it; answers how many there are.
    @discardableResult
    public func load() async throws -> Int {
        let started = ContinuousClock.now
        let count = try await current().liveCount
        logger.info("embedding index loaded", metadata: ["chunks": "\(count)", "duration": "\(ContinuousClock.now - started)"])
        return count
    }

    /// What the table holds in memory, in bytes.
    public var bytes: Int { snapshot.bytes }

    /// The chunks nearest to `query` by their codes, best first: re-ranked by their exact embeddings, the first
    /// `depth` of them are the exact nearest up to rare near ties (recall@10 in BENCHMARKS.md).
    public nonisolated func candidates(near query: [Float], count: Int = EmbeddingIndex.candidates) async throws
        -> [(id: Int64, similarity: Float)]
    {
        try await current().nearest(to: query, count: count)
    }

    /// The table, after catching up when the knowledge changed; concurrent callers share one catch-up.
    func current() async throws -> QuantisedTable {
        if let running = catchingUp { return try await running.value }
        let running = Task { try await catchUp() }
        catchingUp = running
        defer { catchingUp = nil }
        return try await running.value
    }

    /// Changes the snapshot in place, a row at a time with the newest id it holds, so a failed read leaves both
    /// consistent for the next catch-up (callers wait for the catch-up, searches hold their own copy).
    private func catchUp() async throws -> QuantisedTable {
        // Before kb-sync has created its tables there is no knowledge to hold.
        guard let state = try await client.queryIfTablesExist("SELECT generation FROM kb.state", logger: logger) else { return snapshot }
        var latest: Int64 = 0
        for try await value in state.decode(Int64.self) { latest = value }
        guard latest != generation else { return snapshot }
        if !restoreTried {
            restoreTried = true
            try await restore()
        }
        try await appendNewChunks()
        try await dropDeletedChunks()
        if skipped > snapshot.liveCount {
            // The embedder changed and most chunks are indexed again: the newest chunk's dimension wins.
            var dimensions = 0
            for try await value in try await client.tracedQuery(
                "SELECT cardinality(embedding) FROM kb.chunks ORDER BY chunk_id DESC LIMIT 1", logger: logger).decode(Int.self) { dimensions = value }
            snapshot = QuantisedTable(dimensions: dimensions)
            newestID = 0
            skipped = 0
            try await appendNewChunks()
            logger.notice("embedding index started again in another dimension", metadata: ["dimensions": "\(dimensions)"])
        }
        if snapshot.deadCount > snapshot.liveCount { snapshot = snapshot.compacted() }
        generation = latest
        if addedSinceSave >= max(saveEvery, snapshot.liveCount / 4) { await save(snapshot) }
        return snapshot
    }

    /// Appends the chunks newer than the newest held; one of another dimension than the table's is skipped.
    private func appendNewChunks() async throws {
        let rows = try await client.tracedQuery("""
            SELECT chunk_id, embedding FROM kb.chunks WHERE chunk_id > \(newestID) ORDER BY chunk_id
            """, logger: logger)
        for try await (id, embedding) in rows.decode((Int64, [Float]).self) {
            if snapshot.append(id, embedding) { addedSinceSave += 1 } else { skipped += 1 }
            newestID = id
        }
    }

    /// Marks dead the rows of chunks Postgres no longer holds, read only when it holds fewer than the table and
    /// the skipped chunks together; counts the skipped ones again from what it read.
    private func dropDeletedChunks() async throws {
        var stored = 0
        for try await count in try await client.tracedQuery("SELECT count(*) FROM kb.chunks", logger: logger).decode(Int.self) {
            stored = count
        }
        guard snapshot.liveCount + skipped > stored else { return }
        var existing: Set<Int64> = []
        for try await id in try await client.tracedQuery("SELECT chunk_id FROM kb.chunks", logger: logger).decode(Int64.self) {
            existing.insert(id)
        }
        snapshot.retain { existing.contains($0) }
        skipped = max(0, existing.count - snapshot.liveCount)
    }

    // MARK: The saved table

    /// `knowledge-<instance>-<newest chunk id>.vectors`: the name says which knowledge base and how far.
    struct SavedTable: Equatable {
        let instance: UUID
        let newestID: Int64

        var fileName: String { "knowledge-\(instance.uuidString.lowercased())-\(newestID).vectors" }

        init(instance: UUID, newestID: Int64) {
            self.instance = instance
            self.newestID = newestID
        }

        init?(fileName: String) {
            guard fileName.hasPrefix("knowledge-"), fileName.hasSuffix(".vectors") else { return nil }
            let parts = fileName.dropFirst("knowledge-".count).dropLast(".vectors".count).split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 6, let instance = UUID(uuidString: parts[0..<5].joined(separator: "-")),
                  let newestID = Int64(parts[5]), newestID >= 0
            else { return nil }
            self.init(instance: instance, newestID: newestID)
        }
    }

    struct RenameFailed: Error {
        let errno: Int32
    }

    /// This knowledge base's name; nil before kb-sync has made it.
    private func instance() async throws -> UUID? {
        guard let rows = try await client.queryIfTablesExist("SELECT instance FROM kb.identity", logger: logger) else { return nil }
        var instance: UUID?
        for try await value in rows.decode(UUID.self) { instance = value }
        return instance
    }

    /// Restores the newest table saved from this database, if there is one that reads.
    private func restore() async throws {
        guard let directory, let instance = try await instance() else { return }
        let saved = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .compactMap(SavedTable.init(fileName:)).filter { $0.instance == instance }.max { $0.newestID < $1.newestID }
        guard let saved else { return }
        let path = directory + "/" + saved.fileName
        do {
            let started = ContinuousClock.now
            snapshot = try await NIOThreadPool.singleton.runIfActive { try QuantisedTable(reading: path) }
            newestID = saved.newestID
            logger.info("embedding index restored", metadata: ["path": "\(path)", "duration": "\(ContinuousClock.now - started)"])
        } catch {
            logger.warning("cannot restore the saved embedding index: reading every embedding instead",
                           metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    /// Writes the table beside the older ones, then removes them; a failure costs only the next start's time.
    private func save(_ table: QuantisedTable) async {
        guard let directory else { return }
        do {
            guard let instance = try await instance() else { return }
            let saved = SavedTable(instance: instance, newestID: newestID)
            let path = directory + "/" + saved.fileName
            let partial = path + ".partial-\(UUID().uuidString)"
            try await NIOThreadPool.singleton.runIfActive {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try table.write(to: partial)
                // Replicas sharing the directory each write their own partial file; the rename is atomic.
                guard rename(partial, path) == 0 else { throw RenameFailed(errno: errno) }
                for older in try FileManager.default.contentsOfDirectory(atPath: directory) {
                    guard let other = SavedTable(fileName: older), other.newestID < saved.newestID else { continue }
                    try? FileManager.default.removeItem(atPath: directory + "/" + older)
                }
            }
            addedSinceSave = 0
            logger.info("embedding index saved", metadata: ["path": "\(path)", "chunks": "\(table.liveCount)"])
        } catch {
            logger.warning("cannot save the embedding index: the next start reads every embedding again",
                           metadata: ["directory": "\(directory)", "error": "\(error)"])
        }
    }
}
