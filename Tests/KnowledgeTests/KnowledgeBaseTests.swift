import Foundation
import KinexusPostgres
import KinexusTestSupport
@testable import Approval
@testable import KnowledgeAPI
@testable import KnowledgeBase
import KnowledgeIndexing
@testable import KnowledgeQueries
import Logging
@testable import Orchestration
import PostgresNIO
import Testing

/// Indexing, hybrid retrieval, kb-sync and the knowledge API on the test Postgres and Redis (database 9).
/// The suite owns the `kb` and `bucket` tables (no other suite writes them) and empties them before each test.
@Suite(.serialized)
struct KnowledgeBaseTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/demo/knowledge")
    let logger = Logger(label: "test")
    let chunker = MarkdownChunker()
    let embedder = FeatureHashingEmbedder()

    func withKnowledge(_ body: @Sendable (KnowledgeStore, KnowledgeRetriever, PostgresClient) async throws -> Void) async throws {
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            try await Self.prepare(postgres, logger: logger)
            let retriever = KnowledgeRetriever(client: postgres, embedder: embedder,
                                               index: EmbeddingIndex(client: postgres, logger: logger), logger: logger)
            try await body(KnowledgeStore(client: postgres, logger: logger), retriever, postgres)
            tasks.cancelAll()
        }
    }

    /// Every schema the knowledge reads, empty of knowledge.
    static func prepare(_ postgres: PostgresClient, logger: Logger) async throws {
        try await MigrationRunner(client: postgres, logger: logger).run(try KnowledgeStore.migrations())
        try await MigrationRunner(client: postgres, logger: logger).run(try KnowledgeBucket.migrations())
        try await MigrationRunner(client: postgres, logger: logger).run(try DocumentStore.migrations())
        try await MigrationRunner(client: postgres, logger: logger).run(try Approver.migrations())
        try await postgres.query("DELETE FROM kb.sources", logger: logger)
        try await postgres.query("DELETE FROM bucket.objects", logger: logger)
    }

    func chunkCount(_ postgres: PostgresClient, _ sourceID: String) async throws -> Int {
        for try await count in try await postgres.query(
            "SELECT count(*)::int FROM kb.chunks WHERE source_id = \(sourceID)", logger: logger).decode(Int.self) { return count }
        return 0
    }

    @Test func indexingIsIdempotentAndFollowsChangesAndDeletions() async throws {
        try await withKnowledge { store, retriever, postgres in
            let first = KnowledgeSource(kind: .object, location: "policies/refunds.md", title: "Refunds",
                                        text: "# Refunds\n\n## Window\nReturns within 30 days.\n\n## Damaged\nFull refund.")
            #expect(try await store.index(first, chunker: chunker, embedder: embedder) == .indexed(chunks: 2))
            #expect(try await store.index(first, chunker: chunker, embedder: embedder) == .unchanged)
            #expect(try await chunkCount(postgres, first.id) == 2)
            #expect(try await retriever.search("damaged refund", count: 3).first?.metadata.heading == "Refunds › Damaged")

            let changed = KnowledgeSource(kind: .object, location: "policies/refunds.md", title: "Refunds",
                                          text: "# Refunds\n\nReturns within 60 days, damaged or not.")
            #expect(try await store.index(changed, chunker: chunker, embedder: embedder) == .indexed(chunks: 1))
            #expect(try await chunkCount(postgres, first.id) == 1)
            let hits = try await retriever.search("returns days", count: 3)
            #expect(hits.map(\.content) == ["Returns within 60 days, damaged or not."])
            #expect(hits.first?.source == "policies/refunds.md")

            #expect(try await store.delete(first.id))
            #expect(try await store.delete(first.id) == false)
            #expect(try await chunkCount(postgres, first.id) == 0)
            #expect(try await retriever.search("returns days", count: 3).isEmpty)
        }
    }

    @Test func anotherEmbedderIndexesAgain() async throws {
        try await withKnowledge { store, _, _ in
            let source = KnowledgeSource(kind: .page, location: "http://kinexus.test/pages/sso", title: "SSO", text: "Okta and SAML.")
            let first = try await store.index(source, chunker: chunker, embedder: embedder)
            let again = try await store.index(source, chunker: chunker, embedder: FeatureHashingEmbedder(dimensions: 64))
            #expect(first == .indexed(chunks: 1) && again == .indexed(chunks: 1))
            #expect(try await store.sourceIDs(.page) == [source.id])
        }
    }

    @Test func theEmbeddingIndexTakesTheNewDimensionOnceMostChunksHaveIt() async throws {
        try await withKnowledge { store, retriever, _ in
            let small = FeatureHashingEmbedder(dimensions: 64)
            let sources = (0..<5).map { index in
                KnowledgeSource(kind: .object, location: "dimension-\(index).md", title: "Doc \(index)", text: "Refunds for order \(index).")
            }
            for source in sources { _ = try await store.index(source, chunker: chunker, embedder: embedder) }
            #expect(try await retriever.index.load() == 5)
            for source in sources.prefix(2) { _ = try await store.index(source, chunker: chunker, embedder: small) }
            #expect(try await retriever.index.load() == 3)
            #expect(try await retriever.index.candidates(near: embedder.embed("refunds")).count == 3)
            for source in sources.suffix(3) { _ = try await store.index(source, chunker: chunker, embedder: small) }
            #expect(try await retriever.index.load() == 5)
            #expect(try await retriever.index.candidates(near: small.embed("refunds")).count == 5)
            #expect(try await retriever.index.candidates(near: embedder.embed("refunds")).isEmpty)
        }
    }

    @Test func theSavedIndexIsRestoredAtTheNextStartAndOneThatDoesNotReadIsReadAgain() async throws {
        try await withKnowledge { store, _, postgres in
            #expect(try await indexDemoKnowledge(store) == 12)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("index-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let query = embedder.embed("refund for a damaged parcel")
            let first = EmbeddingIndex(client: postgres, logger: logger, savedIn: directory, saveEvery: 1)
            let chunks = try await first.load()
            let expected = try await first.candidates(near: query).map(\.id)
            let saved = try FileManager.default.contentsOfDirectory(atPath: directory)
            #expect(saved.count == 1 && saved[0].hasSuffix(".vectors"), "\(saved)")

            let restoredLog = RecordedLog()
            let restored = EmbeddingIndex(client: postgres, logger: restoredLog.logger, savedIn: directory, saveEvery: 1)
            #expect(try await restored.load() == chunks)
            #expect(restoredLog.all.contains { $0.message == "embedding index restored" })
            #expect(try await restored.candidates(near: query).map(\.id) == expected)

            // A chunk deleted after the save is not found by the restored index.
            let source = try #require(try await store.sourceIDs(.object).first)
            #expect(try await store.delete(source))
            let remaining = try await EmbeddingIndex(client: postgres, logger: logger, savedIn: directory).load()
            #expect(remaining < chunks)
            #expect(remaining == (try await EmbeddingIndex(client: postgres, logger: logger).load()))

            try Data("not an index".utf8).write(to: URL(fileURLWithPath: directory + "/" + saved[0]))
            let rereadLog = RecordedLog()
            let reread = EmbeddingIndex(client: postgres, logger: rereadLog.logger, savedIn: directory, saveEvery: 1)
            #expect(try await reread.load() == remaining)
            #expect(rereadLog.all.contains { $0.level == .warning && $0.message.hasPrefix("cannot restore the saved embedding index") })

            // Another knowledge base's index is not restored into this one.
            try await postgres.query("UPDATE kb.identity SET instance = gen_random_uuid()", logger: logger)
            let otherLog = RecordedLog()
            #expect(try await EmbeddingIndex(client: postgres, logger: otherLog.logger, savedIn: directory).load() == remaining)
            #expect(!otherLog.all.contains { $0.message.contains("restore") })
        }
    }

    @Test func aSavedIndexNamesItsKnowledgeBaseAndNewestChunk() {
        let instance = UUID()
        let saved = EmbeddingIndex.SavedTable(instance: instance, newestID: 1_000_042)
        #expect(EmbeddingIndex.SavedTable(fileName: saved.fileName) == saved)
        for name in ["knowledge-\(instance).vectors", "knowledge-\(instance)--5.vectors", "knowledge-\(instance)-99999999999999999999.vectors",
                     saved.fileName + ".partial-12", "other-\(instance)-1.vectors", "knowledge-not-a-uuid-at-all-1.vectors"] {
            #expect(EmbeddingIndex.SavedTable(fileName: name) == nil, "\(name)")
        }
    }

    @Test func aWordInMostChunksDoesNotChooseTheFullTextMatchesButTheOthersDo() async throws {
        try await withKnowledge { _, retriever, postgres in
            // 5,050 chunks holding "everywhere", each with a word of its own; the statistics see the common word.
            try await postgres.query("""
                INSERT INTO kb.sources (source_id, kind, title, location, content_hash, chunk_count)
                VALUES ('object:common-words', 'object', 'Common words', 'common-words.md', 'x', 5050)
                """, logger: logger)
            try await postgres.query("""
                INSERT INTO kb.chunks (source_id, position, heading, content, embedding)
                SELECT 'object:common-words', n, 'Filler', 'everywhere word' || n, array_fill(0::real, ARRAY[256])
                FROM generate_series(1, 5050) n
                """, logger: logger)
            try await postgres.query("ANALYZE kb.chunks", logger: logger)
            var unique: Int64 = 0
            for try await id in try await postgres.query(
                "SELECT chunk_id FROM kb.chunks WHERE content = 'everywhere word777'", logger: logger).decode(Int64.self) { unique = id }
            #expect(try await retriever.fullText("everywhere word777") == [unique])
            #expect(try await retriever.fullText("everywhere").isEmpty)
            // The next tests' statistics are of their own chunks.
            try await postgres.query("DELETE FROM kb.sources", logger: logger)
            try await postgres.query("ANALYZE kb.chunks", logger: logger)
        }
    }

    /// Indexes the demo knowledge base (`deploy/demo/knowledge`), each file under its name; answers how many.
    func indexDemoKnowledge(_ store: KnowledgeStore) async throws -> Int {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter { $0.hasSuffix(".md") }.sorted()
        for file in files {
            let text = try String(contentsOf: Self.corpus.appendingPathComponent(file), encoding: .utf8)
            let title = text.split(separator: "\n").first.map { String($0.dropFirst(2)) } ?? file
            _ = try await store.index(KnowledgeSource(kind: .object, location: file, title: title, text: text),
                                      chunker: chunker, embedder: embedder)
        }
        return files.count
    }

    /// Support questions in customers' words, each with the document that answers it.
    static let questions: [(question: String, answer: String)] = [
        ("My package came broken, can I get my money back?", "refunds.md"),
        ("How long until I get my refund?", "refunds.md"),
        ("Where is my parcel? The tracking hasn't moved in a week", "shipping.md"),
        ("How much does delivery cost?", "shipping.md"),
        ("I forgot my password and the reset email never came", "password-reset.md"),
        ("My account is locked after too many login attempts", "password-reset.md"),
        ("Can we log in with Okta?", "single-sign-on.md"),
        ("How do I configure SAML for my team?", "single-sign-on.md"),
        ("Where can I download a PDF invoice?", "invoices.md"),
        ("Our card payment failed, what happens now?", "invoices.md"),
        ("How do I cancel my subscription?", "cancellation.md"),
        ("Can I pause my plan instead of cancelling?", "cancellation.md"),
        ("Export all my orders to CSV", "data-export.md"),
        ("I keep getting 429 Too Many Requests from the API", "api-rate-limits.md"),
        ("I lost my phone and can't get the authenticator code", "two-factor.md"),
        ("Please delete all my personal data under GDPR", "account-deletion.md"),
        ("What does the Pro plan cost?", "pricing.md"),
        ("Is the service down? Where do I see outages?", "service-status.md"),
    ]

    @Test func retrievalFindsTheAnsweringDocumentInTheTopThree() async throws {
        try await withKnowledge { store, retriever, _ in
            #expect(try await indexDemoKnowledge(store) == 12)
            var found = 0
            for (question, answer) in Self.questions {
                let hits = try await retriever.search(question, count: 3)
                if hits.contains(where: { $0.source == answer }) {
                    found += 1
                } else {
                    print("recall miss: \"\(question)\" → \(hits.map(\.source)), expected \(answer)")
                }
                #expect(hits.allSatisfy { $0.score > 0 && $0.score <= 1 && ($0.relevance ?? -1) >= 0 && ($0.relevance ?? 2) <= 1 })
            }
            let recall = Double(found) / Double(Self.questions.count)
            print("retrieval recall@3 over \(Self.questions.count) labelled questions: \(recall)")
            // Chance is 3 in 12 (0.25). Measured on this set: hybrid 1.0, full text alone 1.0, the feature-hashing
            // embedding alone 0.83 (it confuses "cost" questions). The floor allows two misses of 18, so tuning
            // the chunker or the fusion can move a borderline question, and fails a retrieval that lost its
            // full-text half.
            #expect(recall >= 0.85, "recall@3 \(recall)")
        }
    }
}
