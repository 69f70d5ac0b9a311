@testable import Approval
@testable import CustomerContexts
import DocumentReview
import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusPostgres
import KinexusRedis
import KinexusTestSupport
@testable import KnowledgeBase
import KnowledgeQueries
import MetricsTestKit
@testable import Orchestration
import PostgresNIO
@testable import Reviewing
import SupportQueries
import Testing

extension KnowledgeBaseTests {
    /// The loop as a support team lives it: three customers' tickets the knowledge base does not answer make a
    /// gap, one of them answered by an agent; the gap drafts its article, a reviewer asks for a revision and
    /// approves it; the published article closes the gap and answers the next ticket on the topic, and when
    /// agents find it unhelpful there, the gap reopens with that ticket.
    @Test func aGapBecomesAReviewedArticleThatAnswersTheNextTicket() async throws {
        let metrics = TestMetrics()
        try await withPipeline(metrics: metrics) { publisher, postgres, redis, records in
            _ = try await indexDemoKnowledge(KnowledgeStore(client: postgres, logger: logger))
            let darkMode = try GapTopics.load()[0].tickets
            let tickets = [received(darkMode[0], from: "gap-loop-a"), received(darkMode[1], from: "gap-loop-b"),
                           received(darkMode[2], from: "gap-loop-a")]
            for ticket in tickets.prefix(2) { try await publisher.publish(ticket, source: .support) }
            let gap = try #require(try await eventually { () async throws -> UUID? in
                let gaps = [try await records.gap(ofTicket: tickets[0].ticketID), try await records.gap(ofTicket: tickets[1].ticketID)]
                return gaps[0] != nil && gaps[0] == gaps[1] ? gaps[0] : nil
            }, "both tickets in one gap")
            #expect(try await records.gap(gap, ticketLimit: 10)?.summary.status == "open", "two tickets do not draft yet")
            let answer = "Turn on dark mode under Settings → Appearance → Theme; the dashboard follows the system theme by default."
            try await publisher.publish(TicketResolved(ticketID: tickets[0].ticketID, answer: answer, resolvedBy: "ana"), source: .support)
            #expect(try await eventually {
                try await records.gap(gap, ticketLimit: 10)?.tickets.contains { $0.answer == answer } == true
            })

            try await publisher.publish(tickets[2], source: .support)
            let firstReview = try #require(try await review(of: gap, version: 1, redis))
            let draft = try #require(try await article(of: gap, postgres))
            #expect(draft.origin == "knowledge_gap")
            #expect(tickets.prefix(2).map(\.subject).contains(draft.title), "the subject of the ticket that opened the gap")
            #expect(draft.markdown.contains(answer) && draft.markdown.contains("(As answered in ticket \(tickets[0].ticketID).)"))
            for ticket in tickets { #expect(draft.markdown.contains("- Ticket \(ticket.ticketID)")) }
            #expect(try await eventually { try await records.gap(gap, ticketLimit: 1)?.summary.status == "in_review" })

            try await publisher.publish(ReviewDecisionSubmitted(reviewID: firstReview.reviewID, decision: "needs_revision",
                                                                comment: "Say that it is per user.", reviewer: "rui"), source: .console)
            let secondReview = try #require(try await review(of: gap, version: 2, redis))
            #expect(try await article(of: gap, postgres)?.markdown.contains("Say that it is per user.") == true)
            try await publisher.publish(ReviewDecisionSubmitted(reviewID: secondReview.reviewID, decision: "approved",
                                                                comment: "Good.", reviewer: "rui"), source: .console)
            let closed = try #require(try await eventually {
                try await records.gap(gap, ticketLimit: 10).flatMap { $0.summary.status == "closed" ? $0.summary : nil }
            })
            let page = try #require(closed.pageURL)
            #expect(try metrics.expectRecorder("kinexus_knowledge_gap_tickets").lastValue == 3)
            #expect(try metrics.expectTimer("kinexus_knowledge_gap_detection_to_published_seconds").values.count == 1)
            let openGaps = OpenGapGauge(client: postgres, metrics: GapMetrics(factory: metrics), logger: logger)
            try await openGaps.refresh()
            #expect(try metrics.expectGauge("kinexus_knowledge_gaps_open").lastValue == 0)

            // kb-sync indexes the page from the same event; the next ticket on the topic is sent once it has.
            #expect(try await eventually {
                try await KnowledgeStore(client: postgres, logger: logger).sourceIDs(.page).contains("page:" + page)
            })
            let next = received(.init(subject: "Dark theme", description: "Can I switch the dashboard to dark mode?", answer: nil),
                                from: "gap-loop-c")
            try await publisher.publish(next, source: .support)
            let suggestions = try #require(try await eventually {
                try await records.ticket(next.ticketID)?.response?.kbSuggestions
            })
            let suggested = try #require(suggestions.first { $0.source == page }, "\(suggestions.map(\.source))")
            #expect(suggested.relevance ?? 0 >= 0.24)
            #expect(try await records.gap(ofTicket: next.ticketID) == nil, "the article answers it")

            for suggestion in suggestions {
                try await publisher.publish(TicketFeedbackSubmitted(ticketID: next.ticketID, rating: 1, helpful: false,
                                                                    suggestionSource: suggestion.source), source: .support)
            }
            #expect(try await eventually { try await records.gap(ofTicket: next.ticketID) } == gap)
            let reopened = try #require(try await records.gap(gap, ticketLimit: 10))
            #expect(reopened.summary.status == "reopened" && reopened.summary.ticketCount == 4)
            try await openGaps.refresh()
            #expect(try metrics.expectGauge("kinexus_knowledge_gaps_open").lastValue == 1)
        }
    }

    struct Article: Sendable {
        let origin: String
        let title: String
        let markdown: String
    }

    func article(of gap: UUID, _ postgres: PostgresClient) async throws -> Article? {
        let rows = try await postgres.query("""
            SELECT d.origin, d.title, v.markdown FROM docs.documents d
            JOIN docs.document_versions v ON v.document_id = d.document_id AND v.version = d.current_version
            WHERE d.origin = 'knowledge_gap' AND d.ticket_key = \(gap.uuidString.lowercased())
            """, logger: logger)
        for try await (origin, title, markdown) in rows.decode((String, String, String).self) {
            return Article(origin: origin, title: title, markdown: markdown)
        }
        return nil
    }

    /// The review the reviewer asked for of the gap's article at `version`.
    func review(of gap: UUID, version: Int, _ redis: RedisClient) async throws -> ReviewRequested? {
        let stream = Topic(source: "kinexus.reviewer", detailType: ReviewRequested.detailType).streamKey
        let generated = Topic(source: "kinexus.orchestrator", detailType: DocumentGenerated.detailType).streamKey
        return try await eventually {
            let documents = try StreamEntry.parseEntries(try await redis.send("XREVRANGE", generated, "+", "-", "COUNT", "200"),
                                                         stream: generated)
                .compactMap { try? $0.envelope().decodeDetail(as: DocumentGenerated.self) }
                .filter { $0.ticketKey == gap.uuidString.lowercased() }.map(\.documentID)
            return try StreamEntry.parseEntries(try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", "200"), stream: stream)
                .compactMap { try? $0.envelope().decodeDetail(as: ReviewRequested.self) }
                .first { documents.contains($0.documentID) && $0.version == version }
        }
    }
}
