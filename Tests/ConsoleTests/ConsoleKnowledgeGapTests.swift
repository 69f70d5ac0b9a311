import Foundation
import KinexusBus
import KinexusEvents
import KinexusRedis
import KinexusServiceKit
import KinexusTestSupport
import PostgresNIO
import SupportQueries
import Testing

/// Support → Knowledge gaps: the list largest first, a gap's page with its tickets and answers, "Draft an
/// article" for agents, and the review of the article showing the tickets behind it.
@Suite(.serialized) struct ConsoleKnowledgeGapTests {
    let harness = ConsoleHarness()

    /// A gap of `tickets` tickets, the first answered, from customers on the tiers given, as customer-context keeps it;
    /// received two days ago, so that they are not among the home page's tickets of today another suite counts.
    func seedGap(_ postgres: PostgresClient, question: String, tiers: [String], status: String = "open",
                 document: UUID? = nil) async throws -> UUID {
        let gap = UUID()
        try await postgres.query("""
            INSERT INTO support.knowledge_gaps (gap_id, status, question, ticket_count, first_seen, last_seen, document_id)
            VALUES (\(gap), \(status), \(question + "\nHow do I do that?"), \(tiers.count), now() - interval '2 days', now(), \(document))
            """, logger: harness.logger)
        for (index, tier) in tiers.enumerated() {
            let customer = "C-\(UUID().uuidString.prefix(8))", ticket = "T-\(UUID().uuidString.prefix(8))"
            try await postgres.query("""
                INSERT INTO support.customers (external_id, name, tier, lifetime_value) VALUES (\(customer), \("Customer \(index)"), \(tier), 100)
                """, logger: harness.logger)
            try await postgres.query("""
                INSERT INTO support.tickets (ticket_id, customer_external_id, subject, description, channel, priority, created_at,
                                             received_at, resolution)
                VALUES (\(ticket), \(customer), \("\(question) \(index)"), 'Asked again.', 'email', 'medium', now() - interval '2 days',
                        now() - interval '2 days',
                        \(index == 0 ? "Use Settings → Appearance." : nil))
                """, logger: harness.logger)
            try await postgres.query("""
                INSERT INTO support.gap_tickets (ticket_id, gap_id, reason, best_relevance, embedding)
                VALUES (\(ticket), \(gap), 'low_relevance', 0.12, '{1,0}')
                """, logger: harness.logger)
        }
        return gap
    }

    func clearGaps(_ postgres: PostgresClient) async throws {
        try await postgres.query("DELETE FROM support.gap_tickets", logger: harness.logger)
        try await postgres.query("DELETE FROM support.knowledge_gaps", logger: harness.logger)
    }

    @Test func gapsAreListedLargestFirstAndAGapShowsItsTicketsAndAnswers() async throws {
        try await harness.run { world in
            try await clearGaps(world.postgres)
            let small = try await seedGap(world.postgres, question: "Dark mode", tiers: ["pro"])
            let large = try await seedGap(world.postgres, question: "Custom domain", tiers: ["enterprise", "pro", "pro"], status: "drafting")
            let viewer = try await world.signedIn([.viewer]).0
            let list = try await viewer.get("/console/knowledge-gaps")
            #expect(list.status == .ok)
            let first = try #require(list.body.range(of: "Custom domain")), second = try #require(list.body.range(of: "Dark mode"))
            #expect(first.lowerBound < second.lowerBound, "largest first")
            #expect(list.body.contains(#"<td data-label="Tickets">3</td><td data-label="Customers">3</td><td data-label="Tiers">enterprise, pro</td>"#))
            #expect(list.body.contains(#"<td data-label="Status" class="gap-status">drafting</td>"#))
            #expect(try await viewer.get("/console/support").body.contains(#"<a href="/console/knowledge-gaps">Knowledge gaps</a>"#))

            let page = try await viewer.get("/console/knowledge-gaps/\(large)")
            #expect(page.status == .ok)
            #expect(page.body.contains("<h1>Custom domain</h1>") && page.body.contains("How do I do that?"))
            #expect(page.body.contains(#"<span class="answer">Use Settings → Appearance.</span>"#))
            #expect(page.body.contains("Custom domain 2</a>"))
            #expect(!page.body.contains("Draft an article"), "a viewer does not draft")
            #expect(try await viewer.get("/console/knowledge-gaps/\(small)").status == .ok)
            #expect(try await viewer.get("/console/knowledge-gaps/not-a-gap").status == .notFound)
            #expect(try await viewer.get("/console/knowledge-gaps/\(UUID())").status == .notFound)
        }
    }

    @Test func anAgentAsksForTheArticleOnceAndOnlyWhileNoDraftIsUnderWay() async throws {
        try await harness.run { world in
            try await clearGaps(world.postgres)
            let gap = try await seedGap(world.postgres, question: "Audit log", tiers: ["pro", "enterprise"])
            let drafting = try await seedGap(world.postgres, question: "Slack", tiers: ["pro"], status: "drafting")
            let (agent, name) = try await world.signedIn([.agent])
            let page = try await agent.get("/console/knowledge-gaps/\(gap)")
            #expect(page.body.contains("Draft an article"))
            let asked = try await agent.post("/console/knowledge-gaps/\(gap)/draft", [("csrf", page.csrf ?? "")])
            #expect(asked.status == .seeOther)
            let stream = Topic(source: "kinexus.support", detailType: KnowledgeGapDraftRequested.detailType).streamKey
            let requests = StreamEntry.parseEntries(try await world.redis.send("XREVRANGE", stream, "+", "-", "COUNT", "50"), stream: stream)
                .compactMap { try? $0.envelope().decodeDetail(as: KnowledgeGapDraftRequested.self) }
            #expect(requests.first { $0.gapID == gap.uuidString.lowercased() }?.requestedBy == name)

            let busy = try await agent.get("/console/knowledge-gaps/\(drafting)")
            #expect(!busy.body.contains("Draft an article"))
            let refused = try await agent.post("/console/knowledge-gaps/\(drafting)/draft", [("csrf", busy.csrf ?? "")])
            #expect(refused.status == .conflict && refused.body.contains("already drafting"))
            let viewer = try await world.signedIn([.viewer]).0
            let viewed = try await viewer.get("/console/knowledge-gaps/\(gap)")
            #expect(try await viewer.post("/console/knowledge-gaps/\(gap)/draft", [("csrf", viewed.csrf ?? "")]).status == .forbidden)
        }
    }

    @Test func theReviewOfAKnowledgeArticleShowsTheTicketsBehindIt() async throws {
        try await harness.run { world in
            try await clearGaps(world.postgres)
            let review = try await ConsoleHarness.seedReview(world.postgres, title: "Dark mode", logger: harness.logger)
            let document = try #require(try await world.postgres.query(
                "SELECT document_id FROM docs.reviews WHERE review_id = \(review)", logger: harness.logger).collect().first?.decode(UUID.self))
            let gap = try await seedGap(world.postgres, question: "Dark mode", tiers: ["pro", "enterprise"], status: "in_review",
                                        document: document)
            try await world.postgres.query("""
                UPDATE docs.documents SET origin = 'knowledge_gap', ticket_key = \(gap.uuidString.lowercased()) WHERE document_id = \(document)
                """, logger: harness.logger)
            try await world.postgres.query(
                "UPDATE docs.reviews SET ticket_key = \(gap.uuidString.lowercased()) WHERE review_id = \(review)", logger: harness.logger)
            let reviewer = try await world.signedIn([.reviewer]).0
            let page = try await reviewer.get("/console/reviews/\(review)")
            #expect(page.body.contains(#"<strong class="badge">Knowledge article</strong>"#))
            #expect(page.body.contains(#"<a href="/console/knowledge-gaps/\#(gap.uuidString.lowercased())">Dark mode</a>"#))
            #expect(page.body.contains("Dark mode 1</a>") && page.body.contains("Use Settings → Appearance."))
            #expect(page.body.contains("Approve"), "reviewed as any document")
            #expect(try await reviewer.get("/console/knowledge-gaps/\(gap)").body.contains(#"<a href="/console/reviews/\#(review.uuidString.lowercased())" id="gap-review">"#))
        }
    }
}
