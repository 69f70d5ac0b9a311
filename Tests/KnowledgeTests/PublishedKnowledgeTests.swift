@testable import Approval
@testable import CustomerContexts
import DocumentReview
import DocumentWriting
import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusPostgres
import KinexusRedis
import KinexusTestSupport
@testable import KnowledgeBase
import KnowledgeIndexing
import KnowledgeQueries
import Logging
import MetricsTestKit
@testable import Orchestration
import PostgresNIO
@testable import Reviewing
import SupportQueries
import Testing

extension KnowledgeBaseTests {
    static let pipelineDatabase = 11

    /// The documentation pipeline, kb-sync and customer-context together on Redis database 11: a ticket
    /// resolved in Jira becomes a published page, the page becomes knowledge, and a support ticket about it
    /// gets that page as a suggestion.
    @Test func aTicketIsAnsweredFromAPageThePipelinePublished() async throws {
        try await withPipeline(metrics: TestMetrics()) { publisher, postgres, redis, records in
            let key = TestEnvironment.unique("EXP")
            let change = ChangeDetected(
                changeID: EventID.random(), origin: "jira", ticketKey: key, ticketType: "Story", summary: "Order export \(key)",
                description: "Shop owners export their orders as a CSV file from Reports.\n\nThe export holds every order of the chosen month.",
                apiPaths: ["GET /v1/orders/export"], documentationType: "feature")
            let changed = try await publisher.publish(change, source: .jira, id: change.changeID)
            let review = try #require(try await published(
                ReviewRequested.self, redis, id: EventID.derived(from: "review:" + EventID.derived(from: "generated:" + changed.id))))
            let approval = try await publisher.publish(
                ReviewDecisionSubmitted(reviewID: review.reviewID, decision: "approved", comment: "LGTM", reviewer: "ana"),
                source: .console)
            let page = try #require(try await published(DocumentationPublished.self, redis,
                                                        id: EventID.derived(from: "decided:" + approval.id))).pageURL

            let ticket = TicketReceived(ticketID: TestEnvironment.unique("T"), customerExternalID: "walk-in",
                                        subject: "How do I export my orders as a CSV file?", description: "For my accountant.",
                                        channel: "email", createdAt: "2026-11-22T10:00:00Z")
            // kb-sync indexes the page from DocumentationPublished; the ticket is sent once it has.
            #expect(try await eventually {
                try await KnowledgeStore(client: postgres, logger: logger).sourceIDs(.page).contains("page:" + page)
            })
            try await publisher.publish(ticket, source: .support)
            var suggestions: [JSONValue] = []
            #expect(try await eventually {
                guard let text = try await records.response(ticketID: ticket.ticketID) else { return false }
                suggestions = try JSONValue(parsing: Array(text.utf8))["kb_suggestions"]?.arrayValue ?? []
                return true
            })
            #expect(suggestions.first?["source"] == .string(page), "\(suggestions)")
            #expect(suggestions.first?["metadata"]?["kind"] == "page")
        }
    }

    /// The documentation pipeline, kb-sync and customer-context, each as its `main` composes it, on Redis database
    /// 11 and this test's Postgres, the knowledge gaps emptied first.
    func withPipeline(
        metrics: TestMetrics, _ body: @Sendable (EventPublisher, PostgresClient, RedisClient, SupportRecords) async throws -> Void
    ) async throws {
        let redis = try RedisClient(url: try TestEnvironment.redisURL(database: Self.pipelineDatabase))
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            try await Self.prepare(postgres, logger: logger)
            try await MigrationRunner(client: postgres, logger: logger).run(try Reviewer.migrations() + CustomerContextService.migrations())
            try await postgres.query("DELETE FROM support.gap_tickets", logger: logger)
            try await postgres.query("DELETE FROM support.knowledge_gaps", logger: logger)
            let site = ["KINEXUS_PUBLIC_URL": "http://kinexus.test", "KINEXUS_LINK_SECRET": "t"]
            let subscriptions: [(String, [Subscription])] = [
                ("orchestrator", try Orchestrator.composed(postgres: postgres, environment: [:], logger: logger).subscriptions()),
                ("reviewer", try Reviewer.composed(postgres: postgres, redis: redis, environment: site, logger: logger).subscriptions()),
                ("approver", try Approver.composed(postgres: postgres, environment: site, logger: logger).subscriptions()),
                ("kb-sync", try KnowledgeSync.composed(postgres: postgres, consumer: "kb", environment: [:], logger: logger).subscriptions()),
                ("customer-context", try CustomerContextService(postgres: postgres, redis: redis, environment: Self.supportSettings,
                                                                logger: logger, metrics: metrics).subscriptions()),
            ]
            let consumers = try subscriptions.map { name, subscriptions in
                var configuration = BusConfiguration(group: TestEnvironment.unique(name))
                configuration.readBlock = .milliseconds(100)
                configuration.retryBaseDelay = .milliseconds(100)
                return try EventConsumer(redis: redis, configuration: configuration, subscriptions: subscriptions, logger: logger)
            }
            try await whileConsuming(consumers, logger: logger) {
                try await body(EventPublisher(redis: redis, account: "000000000000", region: "local"), postgres, redis,
                               SupportRecords(client: postgres, logger: logger))
            }
            tasks.cancelAll()
        }
        await redis.shutdown()
    }

    func published<Detail: EventDetail>(_ type: Detail.Type, _ redis: RedisClient, id: String) async throws -> Detail? {
        let stream = Topic(source: type == ReviewRequested.self ? "kinexus.reviewer" : "kinexus.approval",
                           detailType: Detail.detailType).streamKey
        var found: Detail?
        _ = try await eventually {
            found = try StreamEntry.parseEntries(try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", "200"), stream: stream)
                .compactMap { try? $0.envelope() }.first { $0.id == id }?.decodeDetail(as: type)
            return found != nil
        }
        return found
    }
}
