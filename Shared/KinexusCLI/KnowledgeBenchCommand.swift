import ArgumentParser
import Foundation
import KinexusPostgres
import KnowledgeBase
import KnowledgeIndexing
import KnowledgeQueries
import Logging
import PostgresNIO

/// Measures the knowledge base on the configured Postgres: indexing throughput against a plain insert of
/// the same rows, and hybrid retrieval latency at each checkpoint against a bare `SELECT 1` round trip,
/// both measured in the same run. Synthetic documents (`bench/…` sources) are removed at the end.
struct KnowledgeBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-knowledge", abstract: "Benchmark knowledge indexing and retrieval on Postgres.")

    @Option(help: "Chunk counts at which retrieval is measured; the largest is indexed in all.") var checkpoints = [10_000, 100_000, 1_000_000]
    @Option(help: "Queries per retrieval measurement.") var queries = 300

    func run() async throws {
        let logger = Logger(label: "kinexus.bench")
        let postgres = try CommandEnvironment.postgres(logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            try await MigrationRunner(client: postgres, logger: logger).run(try KnowledgeSync.migrations())
            let indexer = KnowledgeIndexer(postgres: postgres, embedder: FeatureHashingEmbedder(), logger: logger)
            try await indexer.removeSources(locatedUnder: "bench/")
            try await measure(postgres, indexer: indexer, logger: logger)
            try await indexer.removeSources(locatedUnder: "bench/")
            tasks.cancelAll()
        }
    }

    private func measure(_ postgres: PostgresClient, indexer: KnowledgeIndexer, logger: Logger) async throws {
        var text = SyntheticText(seed: 42)
        emit("# kinexus bench-knowledge: documents of 10 sections (one chunk each), feature-hashing embeddings, 4 indexers")
        let baseline = try await plainInsertRate(postgres, rows: 10_000, text: &text, logger: logger)
        emit(String(format: "baseline: plain INSERT of 10,000 rows of the same shape: %.0f rows/s", baseline))
        var indexed = 0, document = 0
        for checkpoint in checkpoints.sorted() {
            let started = ContinuousClock.now
            let before = indexed
            while indexed < checkpoint {
                let batch = (0..<4).map { offset in
                    KnowledgeSource(kind: .object, location: "bench/doc-\(document + offset).md", title: "Document \(document + offset)",
                                    text: text.document(sections: 10))
                }
                document += batch.count
                indexed += try await withThrowingTaskGroup(of: Int.self) { group in
                    for source in batch {
                        group.addTask { try await indexer.index(source) }
                    }
                    return try await group.reduce(0, +)
                }
            }
            let rate = Double(indexed - before) / (ContinuousClock.now - started).seconds
            emit(String(format: "indexing up to %d chunks: %.0f chunks/s | ratio to plain INSERT %.2f", indexed, rate, rate / baseline))
            try await measureRetrieval(postgres, chunks: indexed, text: &text, logger: logger)
        }
    }

    /// What a service pays at start (every embedding read from Postgres, then the saved index restored), the
    /// index's memory, retrieval latency, and recall@10 against the exact scan of the floats on the same queries.
    private func measureRetrieval(_ postgres: PostgresClient, chunks: Int, text: inout SyntheticText, logger: Logger) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kinexus-bench-index-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let residentBefore = residentBytes()
        var started = ContinuousClock.now
        let built = EmbeddingIndex(client: postgres, logger: logger, savedIn: directory)
        try await built.load()
        let building = (ContinuousClock.now - started).seconds
        let residentGrowth = residentBytes() - residentBefore
        started = ContinuousClock.now
        let index = EmbeddingIndex(client: postgres, logger: logger, savedIn: directory)
        try await index.load()
        let restoring = (ContinuousClock.now - started).seconds
        let held = await index.bytes
        emit(String(format: "the embedding index of %d chunks: read from Postgres in %.1f s (a first start), restored from its file in %.1f s "
                    + "(every later start, before /ready) | %.0f MB held, the process grew %.0f MB reading it", chunks, building, restoring,
                    Double(held) / 1_048_576, Double(residentGrowth) / 1_048_576))
        let retriever = KnowledgeRetriever(client: postgres, embedder: FeatureHashingEmbedder(), index: index, logger: logger)
        _ = try await retriever.search("warm up the embedding index", count: 3)
        let queryLatencies = try await latencies(queries) { try await retriever.search(text.query(), count: 3) }
        let roundTrips = try await latencies(queries) { try await postgres.tracedQuery("SELECT 1", logger: logger) }
        emit(String(format: "retrieval over %d chunks: p50 %.2f ms, p99 %.2f ms | SELECT 1: p50 %.2f ms, p99 %.2f ms | p99 ratio %.1f",
                    chunks, queryLatencies.p50, queryLatencies.p99, roundTrips.p50, roundTrips.p99, queryLatencies.p99 / roundTrips.p99))
        var exact = VectorTable()
        for try await (id, embedding) in try await postgres.tracedQuery("SELECT chunk_id, embedding FROM kb.chunks", logger: logger)
            .decode((Int64, [Float]).self)
        {
            exact.append(id, embedding)
        }
        var found = 0
        for _ in 0..<queries {
            let query = FeatureHashingEmbedder().embed(text.query())
            // The retriever re-ranks the candidates exactly, so of the exact ten it finds those the candidates hold.
            let approximate = Set(try await index.candidates(near: query).map(\.id))
            found += exact.nearest(to: query, count: 10).filter { approximate.contains($0.id) }.count
        }
        emit(String(format: "recall@10 over %d chunks against the exact scan of the floats, %d queries: %.3f", chunks, queries, Double(found) / Double(queries * 10)))
    }

    /// The process's resident set, from /proc/self/statm.
    private func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages.multipliedReportingOverflow(by: Int(sysconf(Int32(_SC_PAGESIZE)))).partialValue
    }

    /// Rows per second for an INSERT of chunk-shaped rows (text and a 256-float array) into a scratch table.
    private func plainInsertRate(_ postgres: PostgresClient, rows: Int, text: inout SyntheticText, logger: Logger) async throws -> Double {
        let contents = (0..<rows).map { _ in text.paragraph() }
        let vectors = contents.map { content in "{" + FeatureHashingEmbedder().embed(content).map { String($0) }.joined(separator: ",") + "}" }
        let started = ContinuousClock.now
        try await postgres.withConnection { connection in
            try await connection.tracedQuery("CREATE TEMP TABLE IF NOT EXISTS bench_rows (content text, embedding real[])", logger: logger)
            for start in stride(from: 0, to: rows, by: 10) {
                let end = min(start + 10, rows)
                try await connection.tracedQuery("""
                    INSERT INTO bench_rows SELECT content, embedding::real[]
                    FROM unnest(\(Array(contents[start..<end])), \(Array(vectors[start..<end]))) AS row(content, embedding)
                    """, logger: logger)
            }
        }
        return Double(rows) / (ContinuousClock.now - started).seconds
    }

    private func latencies(_ count: Int, _ operation: () async throws -> some Any) async throws -> (p50: Double, p99: Double) {
        var samples: [Double] = []
        for _ in 0..<count {
            let started = ContinuousClock.now
            _ = try await operation()
            samples.append((ContinuousClock.now - started).seconds * 1000)
        }
        samples.sort()
        return (samples[samples.count / 2], samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))])
    }
}

/// Deterministic text over a vocabulary of 5,000 made-up words drawn with Zipf's law (s = 1), as words
/// are in real documents: a few very common, most rare. Queries draw from the same distribution.
struct SyntheticText {
    static let syllables = ["ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "qui", "ban", "ex", "por", "lin", "ta", "zu", "mer"]
    static let words: [String] = (0..<5_000).map { index in
        var word = "", value = index + 17
        while value > 0 {
            word += syllables[value % syllables.count]
            value /= syllables.count
        }
        return word
    }
    /// Cumulative Zipf weights, for drawing a word's rank.
    static let cumulative: [Double] = {
        var total = 0.0
        return (1...words.count).map { rank in
            total += 1 / Double(rank)
            return total
        }
    }()
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func unit() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }

    mutating func word() -> String {
        let target = unit() * Self.cumulative[Self.cumulative.count - 1]
        var low = 0, high = Self.cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if Self.cumulative[middle] < target { low = middle + 1 } else { high = middle }
        }
        return Self.words[low]
    }

    /// A word drawn evenly from the 5,000: text of such words shares few of them.
    mutating func evenWord() -> String {
        _ = unit()
        return Self.words[Int(state >> 33) % Self.words.count]
    }

    mutating func phrase(_ count: Int) -> String {
        (0..<count).map { _ in word() }.joined(separator: " ")
    }

    mutating func paragraph() -> String { phrase(60) + "." }

    mutating func document(sections: Int) -> String {
        (0..<sections).map { _ in "## " + phrase(3).capitalized + "\n" + paragraph() }.joined(separator: "\n\n")
    }

    mutating func query() -> String { phrase(5) }
}
