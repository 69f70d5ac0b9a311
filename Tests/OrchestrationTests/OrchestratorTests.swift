import DocumentQueries
import DocumentWriting
import Foundation
import KinexusBus
import KinexusEvents
import KinexusPostgres
import KinexusRedis
import KinexusTestSupport
import Logging
@testable import Orchestration
import DocumentReview
@testable import Reviewing
@testable import Approval
import Atlassian
import PostgresNIO
import ServiceLifecycle
import Testing

/// The orchestrator on real Redis and Postgres: changes become document versions, once per event.
struct OrchestratorTests {
    let logger = Logger(label: "test")
    let generated = Topic(source: "kinexus.orchestrator", detailType: "DocumentGenerated").streamKey

    func withOrchestrators(
        groups: Int = 1, replicas: Int = 1, withReviewer: Bool = false, jira: JiraClient? = nil, confluence: ConfluenceClient? = nil,
        approverGroup: String = TestEnvironment.unique("approver"), redisDatabase: Int? = nil, _ body: @Sendable (RedisClient, PostgresClient) async throws -> Void
    ) async throws {
        let redis = try redisDatabase.map { try RedisClient(url: try TestEnvironment.redisURL(database: $0)) }
            ?? TestEnvironment.redisClient()
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            try await MigrationRunner(client: postgres, logger: logger).run(try DocumentStore.migrations())
            let orchestrator = Orchestrator(store: DocumentStore(client: postgres, logger: logger), writer: TemplateWriter(),
                                            pages: PageStoreFinder(client: postgres, logger: logger))
            func consumer(_ name: String, group: String? = nil, _ subscriptions: [Subscription]) throws -> EventConsumer {
                var configuration = BusConfiguration(group: group ?? TestEnvironment.unique(name),
                                                     consumer: TestEnvironment.unique("replica"))
                configuration.readBlock = .milliseconds(100)
                configuration.retryBaseDelay = .milliseconds(100)
                return try EventConsumer(redis: redis, configuration: configuration, subscriptions: subscriptions, logger: logger)
            }
            var consumers: [EventConsumer] = []
            for _ in 0..<groups {
                let group = TestEnvironment.unique("orchestrator")
                for _ in 0..<replicas { consumers.append(try consumer("orchestrator", group: group, try orchestrator.subscriptions())) }
            }
            if withReviewer {
                try await MigrationRunner(client: postgres, logger: logger).run(try Approver.migrations())
                let approver = Approver(client: postgres, approvers: nil, ownAuthor: "kinexus-bot",
                                        publicURL: "http://kinexus.test", jira: jira, confluence: confluence, logger: logger)
                consumers.append(try consumer("approver", group: approverGroup, try approver.subscriptions()))
                try await MigrationRunner(client: postgres, logger: logger).run(try Reviewer.migrations())
                let reviewer = Reviewer(client: postgres, links: DiffLink(secret: "test", baseURL: "http://kinexus.test"),
                                        jira: jira, logger: logger)
                consumers.append(try consumer("reviewer", try reviewer.subscriptions()))
            }
            for consumer in consumers { try await consumer.prepare() }
            let group = ServiceGroup(configuration: .init(services: consumers.map { .init(service: $0) },
                                                          gracefulShutdownSignals: [], logger: logger))
            // The consumers stop first, finishing their handlers while Postgres still runs.
            try await withThrowingTaskGroup(of: Void.self) { running in
                running.addTask { try await group.run() }
                do {
                    try await body(redis, postgres)
                } catch {
                    await group.triggerGracefulShutdown()
                    throw error
                }
                await group.triggerGracefulShutdown()
                try await running.waitForAll()
            }
            tasks.cancelAll()
        }
    }

    func publisher(_ redis: RedisClient) -> EventPublisher {
        EventPublisher(redis: redis, account: "000000000000", region: "local")
    }

    func change(_ key: String, summary: String) -> ChangeDetected {
        ChangeDetected(changeID: EventID.random(), origin: "jira", ticketKey: key, ticketType: "Story", summary: summary,
                       description: "Why it matters.\n\nHow it works.", apiPaths: ["GET /v1/widgets"], documentationType: "api")
    }

    /// The DocumentGenerated published for the event `eventID`, once it is there.
    static let decisions = Topic(source: "kinexus.console", detailType: "ReviewDecisionSubmitted").streamKey

    func generated(for eventID: String, redis: RedisClient) async throws -> DocumentGenerated? {
        try await published(DocumentGenerated.self, id: EventID.derived(from: "generated:" + eventID), on: generated, redis: redis)
    }

    /// The event `id` on `stream`, once it is there.
    func published<Detail: EventDetail>(_ type: Detail.Type, id: String, on stream: String, redis: RedisClient) async throws -> Detail? {
        try await eventually { try await self.publishedSoFar(type, id: id, on: stream, redis: redis) }
    }

    /// The event `id` on `stream` as it is now: nil when it is not there.
    func publishedSoFar<Detail: EventDetail>(_ type: Detail.Type, id: String, on stream: String, redis: RedisClient) async throws -> Detail? {
        let entries = StreamEntry.parseEntries(try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", "500"), stream: stream)
        return try entries.compactMap { try? $0.envelope() }.first { $0.id == id }?.decodeDetail(as: type)
    }

    func versions(_ documentID: String, postgres: PostgresClient) async throws -> [Int] {
        var versions: [Int] = []
        let rows = try await postgres.query(
            "SELECT version FROM docs.document_versions WHERE document_id = \(UUID(uuidString: documentID)!) ORDER BY version",
            logger: logger)
        for try await version in rows.decode(Int.self) { versions.append(version) }
        return versions
    }

    @Test func changesBecomeVersionsAndRevisionsAnswerTheReviewer() async throws {
        try await withOrchestrators { redis, postgres in
            let key = TestEnvironment.unique("DOC")
            let first = change(key, summary: "Widgets API")
            let firstEvent = try await publisher(redis).publish(first, source: .jira, id: first.changeID)
            let v1 = try #require(try await generated(for: firstEvent.id, redis: redis))
            #expect(v1.version == 1)
            #expect(v1.title == "Widgets API")
            #expect(v1.ticketKey == key)
            #expect(v1.changeID == first.changeID)
            let documents = DocumentQueries(client: postgres, logger: logger)
            let markdown = try #require(try await documents.markdown(of: UUID(uuidString: v1.documentID)!, version: 1))
            #expect(markdown.hasPrefix("# Widgets API\n"))
            #expect(markdown.contains("- `GET /v1/widgets`"))

            let second = change(key, summary: "Widgets API with paging")
            let secondEvent = try await publisher(redis).publish(second, source: .github, id: second.changeID)
            let v2 = try #require(try await generated(for: secondEvent.id, redis: redis))
            #expect(v2.documentID == v1.documentID)
            #expect(v2.version == 2)
            let updated = try #require(try await documents.markdown(of: UUID(uuidString: v1.documentID)!, version: 2))
            #expect(updated.contains("- Updated for \(key): Widgets API with paging"))

            let revision = RevisionRequested(documentID: v1.documentID, reviewID: "r1", feedback: "Show a paging example.",
                                             reviewer: "ana")
            let revisionEvent = try await publisher(redis).publish(revision, source: .approval)
            let v3 = try #require(try await generated(for: revisionEvent.id, redis: redis))
            #expect(v3.version == 3)
            #expect(v3.changeID == nil)
            let revised = try #require(try await documents.markdown(of: UUID(uuidString: v1.documentID)!, version: 3))
            #expect(revised.contains("> Show a paging example."))
            #expect(try await versions(v1.documentID, postgres: postgres) == [1, 2, 3])
        }
    }

    @Test func anEventHandledTwiceWritesOneVersion() async throws {
        // Two groups stand for a redelivery: both run the handler for the same event id.
        try await withOrchestrators(groups: 2) { redis, postgres in
            let change = change(TestEnvironment.unique("DOC"), summary: "Once only")
            let event = try await publisher(redis).publish(change, source: .jira, id: change.changeID)
            let generated = try #require(try await generated(for: event.id, redis: redis))
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await versions(generated.documentID, postgres: postgres) == [1])
        }
    }

    @Test func aRevisionOfAnUnknownDocumentIsDeadLettered() async throws {
        try await withOrchestrators { redis, _ in
            let revision = RevisionRequested(documentID: "not-a-uuid", reviewID: "r", feedback: "x", reviewer: "ana")
            let event = try await publisher(redis).publish(revision, source: .approval)
            #expect(try await eventually {
                let groups = try await BusAdmin(redis: redis).deadLetterGroups().filter { $0.hasPrefix("orchestrator-") }
                for group in groups {
                    if try await DeadLetters(redis: redis, group: group).list().contains(where: {
                        $0.eventID == event.id && $0.errorCode == "invalid_reference" && $0.attempts == 1
                    }) { return true }
                }
                return false
            })
        }
    }

    @Test func everyVersionGetsAReviewWithAnEscapedDiff() async throws {
        try await withOrchestrators(withReviewer: true) { redis, postgres in
            let reviews = Topic(source: "kinexus.reviewer", detailType: "ReviewRequested").streamKey
            let key = TestEnvironment.unique("DOC")
            var first = change(key, summary: "Widgets <script>alert(1)</script>")
            first.description = "Uses <b>bold</b> claims."
            let firstEvent = try await publisher(redis).publish(first, source: .jira, id: first.changeID)
            let v1 = try #require(try await generated(for: firstEvent.id, redis: redis))
            let review = try #require(try await published(
                ReviewRequested.self, id: EventID.derived(from: "review:" + EventID.derived(from: "generated:" + firstEvent.id)),
                on: reviews, redis: redis))
            #expect(review.documentID == v1.documentID)
            #expect(review.version == 1)
            #expect(review.summary.hasSuffix("0 deletions, 0 changes"))
            #expect(review.diffURL.hasPrefix("http://kinexus.test/reviews/\(review.reviewID)/diff?token="))
            let rows = try await postgres.query(
                "SELECT diff_html FROM docs.reviews WHERE review_id = \(UUID(uuidString: review.reviewID)!)", logger: logger)
            var html = ""
            for try await text in rows.decode(String.self) { html = text }
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!html.contains("<script>"))
            #expect(!html.contains("<b>bold</b>"))

            let second = change(key, summary: "Widgets with paging")
            let secondEvent = try await publisher(redis).publish(second, source: .jira, id: second.changeID)
            let nextReview = try #require(try await published(
                ReviewRequested.self, id: EventID.derived(from: "review:" + EventID.derived(from: "generated:" + secondEvent.id)),
                on: reviews, redis: redis))
            #expect(nextReview.version == 2)
            #expect(nextReview.reviewID != review.reviewID)
            #expect(!nextReview.summary.hasSuffix(" 0 changes"), "\(nextReview.summary)")
        }
    }

    func review(after eventID: String, redis: RedisClient) async throws -> ReviewRequested? {
        try await published(ReviewRequested.self, id: EventID.derived(from: "review:" + EventID.derived(from: "generated:" + eventID)),
                            on: Topic(source: "kinexus.reviewer", detailType: "ReviewRequested").streamKey, redis: redis)
    }

    @Test func approvalPublishesRevisionRewritesRejectionEnds() async throws {
        let approverGroup = TestEnvironment.unique("approver")
        try await withOrchestrators(withReviewer: true, approverGroup: approverGroup) { redis, postgres in
            let key = TestEnvironment.unique("DOC")
            let first = change(key, summary: "Pipeline \(key)")
            let firstEvent = try await publisher(redis).publish(first, source: .jira, id: first.changeID)
            let review1 = try #require(try await review(after: firstEvent.id, redis: redis))

            // Needs revision: a new version answering the feedback, and a new review of it.
            let revise = ReviewDecisionSubmitted(reviewID: review1.reviewID, decision: nil,
                                                 comment: "Needs revision: show paging", reviewer: "ana")
            let reviseEvent = try await publisher(redis).publish(revise, source: .console)
            let revision = try #require(try await published(
                RevisionRequested.self, id: EventID.derived(from: "decided:" + reviseEvent.id),
                on: Topic(source: "kinexus.approval", detailType: "RevisionRequested").streamKey, redis: redis))
            #expect(revision.feedback == "Needs revision: show paging")
            let review2 = try #require(try await review(after: try await revisionEventID(redis, revision), redis: redis))
            #expect(review2.version == 2)

            // A decision on the superseded review changes nothing.
            let stale = try await publisher(redis).publish(
                ReviewDecisionSubmitted(reviewID: review1.reviewID, decision: "approved", comment: "", reviewer: "ana"),
                source: .console)
            // Approval of the current review publishes the page.
            let approve = try await publisher(redis).publish(
                ReviewDecisionSubmitted(reviewID: review2.reviewID, decision: "approved", comment: "LGTM", reviewer: "ana"),
                source: .console)
            let published = try #require(try await self.published(
                DocumentationPublished.self, id: EventID.derived(from: "decided:" + approve.id),
                on: Topic(source: "kinexus.approval", detailType: "DocumentationPublished").streamKey, redis: redis))
            #expect(published.version == 2)
            #expect(published.pageURL == "http://kinexus.test/pages/\(published.pageID)")
            let rows = try await postgres.query(
                "SELECT version, markdown FROM docs.pages WHERE slug = \(published.pageID)", logger: logger)
            for try await (version, markdown) in rows.decode((Int, String).self) {
                #expect(version == 2)
                #expect(markdown.contains("> Needs revision: show paging"))
            }
            #expect(await handled(Self.decisions, by: approverGroup, redis))
            let staleOutcome = try await publishedSoFar(
                DocumentationPublished.self, id: EventID.derived(from: "decided:" + stale.id),
                on: Topic(source: "kinexus.approval", detailType: "DocumentationPublished").streamKey, redis: redis)
            #expect(staleOutcome == nil, "a decision on a superseded review publishes nothing")
        }
    }

    /// The id of the RevisionRequested event whose detail is `revision`, so the next review can be found.
    func revisionEventID(_ redis: RedisClient, _ revision: RevisionRequested) async throws -> String {
        let stream = Topic(source: "kinexus.approval", detailType: "RevisionRequested").streamKey
        let entries = StreamEntry.parseEntries(try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", "200"), stream: stream)
        return entries.compactMap { try? $0.envelope() }.first {
            (try? $0.decodeDetail(as: RevisionRequested.self)) == revision
        }?.id ?? ""
    }

    @Test func aRejectionEndsTheReview() async throws {
        try await withOrchestrators(withReviewer: true) { redis, _ in
            let change = change(TestEnvironment.unique("DOC"), summary: "Rejected doc")
            let event = try await publisher(redis).publish(change, source: .jira, id: change.changeID)
            let review = try #require(try await review(after: event.id, redis: redis))
            let reject = try await publisher(redis).publish(
                ReviewDecisionSubmitted(reviewID: review.reviewID, decision: nil, comment: "Not approved: wrong product",
                                        reviewer: "ana"), source: .approval)
            let rejected = try #require(try await published(
                DocumentRejected.self, id: EventID.derived(from: "decided:" + reject.id),
                on: Topic(source: "kinexus.approval", detailType: "DocumentRejected").streamKey, redis: redis))
            #expect(rejected.reason == "Not approved: wrong product")
            #expect(rejected.documentID == review.documentID)
        }
    }

    /// Fifty changes to one ticket at once, on three replicas: applied one after another, none retried into
    /// a dead letter; a change that leaves the text as it is adds nothing.
    @Test func concurrentChangesToOneDocumentAreAppliedInTurn() async throws {
        // The database is this test's alone: its stream then has this run's group only.
        let scratch = try RedisClient(url: try TestEnvironment.redisURL(database: 13))
        try await scratch.send("FLUSHDB")
        await scratch.shutdown()
        try await withOrchestrators(replicas: 3, redisDatabase: 13) { redis, postgres in
            let key = TestEnvironment.unique("DOC")
            let changes = (1...50).map { number in
                ChangeDetected(changeID: EventID.random(), origin: "jira", ticketKey: key, ticketType: "Story", summary: "Widgets",
                               description: "Change \(number) of the widgets.", documentationType: "feature")
            }
            let publisher = publisher(redis)
            try await withThrowingTaskGroup(of: Void.self) { sending in
                for change in changes {
                    sending.addTask { _ = try await publisher.publish(change, source: .jira, id: change.changeID) }
                }
                try await sending.waitForAll()
            }
            var documentID: String?
            for change in changes {
                let generated = try #require(try await generated(for: change.changeID, redis: redis),
                                             "no version for \(change.changeID)")
                documentID = generated.documentID
            }
            #expect(try await versions(try #require(documentID), postgres: postgres) == Array(1...50))
            let stream = Topic(source: "kinexus.jira", detailType: "ChangeDetected").streamKey
            let group = try #require(try await redis.send("XINFO", "GROUPS", stream).array?.first?.array?[1].string)
            #expect(try await redis.send("XLEN", "kinexus:dlq:\(group)").integer == 0, "nothing dead-lettered")

            // The change applied last once more, under an event id of its own: its text is the current one.
            let latest = try await postgres.query("""
                SELECT change_id FROM docs.document_versions WHERE document_id = \(UUID(uuidString: try #require(documentID))!)
                ORDER BY version DESC LIMIT 1
                """, logger: logger)
            var lastApplied: String?
            for try await id in latest.decode(String.self) { lastApplied = id }
            var again = try #require(changes.first { $0.changeID == lastApplied })
            again.changeID = EventID.random()
            _ = try await publisher.publish(again, source: .jira, id: again.changeID)
            #expect(await handled(stream, by: group, redis))
            let rows = try await postgres.query("SELECT count(*)::int FROM docs.document_versions WHERE event_id = \(again.changeID)",
                                                logger: logger)
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
            #expect(try await versions(try #require(documentID), postgres: postgres).count == 50)
        }
    }
}
