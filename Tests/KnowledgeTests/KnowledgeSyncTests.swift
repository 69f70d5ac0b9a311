import Foundation
import KinexusBus
import KinexusEvents
import KinexusRedis
import KinexusTestSupport
@testable import KnowledgeBase
import Logging
import PostgresNIO
import Testing

extension KnowledgeBaseTests {
    @Test func bucketObjectsAreIndexedUpdatedAndDeletedOncePerChange() async throws {
        try await KnowledgeService.run(logger: logger) { kb in
            let first = "# Refunds\n\nReturns are accepted within 30 days."
            let created = try await kb.send(.put, "/kb/objects/policies/refunds.md", body: first)
            #expect(created.status == .created)
            #expect(created.json["key"] == "policies/refunds.md")
            #expect(try await kb.indexed("object:policies/refunds.md", hash: first))
            #expect(try await kb.retriever.search("returns accepted", count: 1).first?.source == "policies/refunds.md")

            // The same content again: stored, announced, and nothing re-indexed.
            let generation = try await kb.generation()
            #expect(try await kb.send(.put, "/kb/objects/policies/refunds.md", body: first).status == .ok)
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await kb.generation() == generation)

            let second = "# Refunds\n\nReturns are accepted within 60 days."
            #expect(try await kb.send(.put, "/kb/objects/policies/refunds.md", body: second).status == .ok)
            #expect(try await kb.indexed("object:policies/refunds.md", hash: second))
            #expect(try await kb.send(.delete, "/kb/objects/policies/refunds.md").status == .noContent)
            #expect(try await kb.indexed("object:policies/refunds.md", hash: nil))
            #expect(try await kb.send(.delete, "/kb/objects/policies/refunds.md").status == .notFound)
        }
    }

    @Test func badKnowledgeRequestsAreRefused() async throws {
        try await KnowledgeService.run(logger: logger) { kb in
            #expect(try await kb.send(.put, "/kb/objects/a.md", body: "x", token: nil).status == .unauthorized)
            let dots = try await kb.send(.put, "/kb/objects/a/../b.md", body: "x")
            #expect(dots.status == .badRequest)
            #expect(try await kb.send(.put, "/kb/objects/a.pdf", body: "x", contentType: "application/pdf").status == .unsupportedMediaType)
            #expect(try await kb.send(.get, "/kb/search").json["error"] == "'q' is required")
            #expect(try await kb.send(.get, "/kb/search?q=refund&k=50").status == .badRequest)
            #expect(try await kb.send(.get, "/kb/sync/\(UUID())").status == .notFound)
            #expect(try await kb.send(.post, "/kb/sync", token: nil).status == .unauthorized)
        }
    }

    @Test func aPublishedPageBecomesKnowledge() async throws {
        try await KnowledgeService.run(logger: logger) { kb in
            let document = UUID(), page = "http://kinexus.test/pages/widgets-api-\(document.uuidString.prefix(8))"
            try await kb.postgres.query("""
                INSERT INTO docs.documents (document_id, origin, ticket_key, title, status, current_version)
                VALUES (\(document), 'jira', \("KB-\(document.uuidString.prefix(6))"), 'Widgets API', 'published', 1)
                """, logger: logger)
            try await kb.postgres.query("""
                INSERT INTO docs.document_versions (document_id, version, markdown, event_id)
                VALUES (\(document), 1, '# Widgets API

                ## Rate limits
                The widgets endpoint allows 100 calls per minute.', \(UUID().uuidString))
                """, logger: logger)
            try await kb.postgres.query("""
                INSERT INTO docs.publications (document_id, version, page_id, page_url, event_id)
                VALUES (\(document), 1, 'widgets-api', \(page), \(UUID().uuidString))
                """, logger: logger)
            let publisher = EventPublisher(redis: kb.redis, account: "000000000000", region: "local")
            try await publisher.publish(DocumentationPublished(documentID: document.uuidString.lowercased(), version: 1,
                                                               title: "Widgets API", pageID: "widgets-api", pageURL: page),
                                        source: .approval)
            #expect(try await eventually {
                try await kb.retriever.search("widgets calls per minute", count: 1).first?.source == page
            })
            #expect(try await kb.retriever.search("widgets calls per minute", count: 1).first?.metadata.heading == "Widgets API › Rate limits")
        }
    }

    @Test func fullSyncsCoalesceAndBringEverySourceInLine() async throws {
        try await KnowledgeService.run(replicas: 2, logger: logger) { kb in
            for name in ["a", "b", "c"] {
                try await kb.postgres.query("""
                    INSERT INTO bucket.objects (key, content, content_type, content_hash, size)
                    VALUES (\("docs/\(name).md"), \("# Doc \(name)\n\nAbout \(name)."), 'text/markdown', 'h', 10)
                    """, logger: logger)
            }
            let store = KnowledgeStore(client: kb.postgres, logger: logger)
            _ = try await store.index(KnowledgeSource(kind: .object, location: "docs/gone.md", title: "Gone", text: "Old."),
                                      chunker: chunker, embedder: embedder)

            var jobs: [String] = []
            try await withThrowingTaskGroup(of: String.self) { requests in
                for _ in 0..<6 {
                    requests.addTask {
                        let answer = try await kb.send(.post, "/kb/sync")
                        #expect(answer.status == .accepted)
                        return try #require(answer.json["job_id"]?.stringValue)
                    }
                }
                for try await job in requests { jobs.append(job) }
            }
            for job in jobs {
                #expect(try await eventually {
                    try await kb.send(.get, "/kb/sync/\(job)").json["status"] == "completed"
                }, "job \(job) never completed")
            }
            var runs: Set<UUID> = []
            for try await run in try await kb.postgres.query(
                "SELECT run_id FROM kb.sync_jobs WHERE job_id = ANY(\(jobs.compactMap(UUID.init(uuidString:))))", logger: logger
            ).decode(UUID.self) { runs.insert(run) }
            #expect(runs.count <= 2, "6 requests ran as \(runs.count) syncs")
            #expect(try await store.sourceIDs(.object) == ["object:docs/a.md", "object:docs/b.md", "object:docs/c.md"])

            // Nothing changed since: a sync leaves every object as it was. (Other suites may publish pages
            // meanwhile, so only the objects are compared.)
            func objectsIndexedAt() async throws -> [String: Date] {
                var times: [String: Date] = [:]
                for try await (id, at) in try await kb.postgres.query(
                    "SELECT source_id, indexed_at FROM kb.sources WHERE kind = 'object'", logger: logger
                ).decode((String, Date).self) { times[id] = at }
                return times
            }
            let before = try await objectsIndexedAt()
            let again = try #require(try await kb.send(.post, "/kb/sync").json["job_id"]?.stringValue)
            #expect(try await eventually {
                try await kb.send(.get, "/kb/sync/\(again)").json["status"] == "completed"
            })
            let status = try await kb.send(.get, "/kb/sync/\(again)").json
            #expect((status["sources_unchanged"]?.intValue ?? 0) >= 3 && status["sources_deleted"] == 0)
            #expect(try await objectsIndexedAt() == before)
            // A run is recorded completed, then announced: the announcement may follow the status by a moment.
            let completed = Topic(source: "kinexus.kb", detailType: "KbSyncCompleted").streamKey
            #expect(try await eventually {
                let announced = StreamEntry.parseEntries(try await kb.redis.send("XRANGE", completed, "-", "+"), stream: completed)
                    .compactMap { try? $0.envelope().decodeDetail(as: KbSyncCompleted.self).jobID }
                return Set(jobs + [again]).isSubset(of: Set(announced))
            }, "every sync job is announced with KbSyncCompleted")
        }
    }
}
