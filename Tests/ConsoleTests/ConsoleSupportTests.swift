import Foundation
import KinexusBus
import KinexusEvents
@testable import KnowledgeQueries
import KinexusRedis
import KinexusServiceKit
import KinexusTestSupport
import PostgresNIO
@testable import SupportQueries
import Testing

/// Tickets in the console: the customer's context and the suggestions, and the agent's feedback.
@Suite(.serialized) struct ConsoleSupportTests {
    let harness = ConsoleHarness()

    /// A ticket from a customer at high churn risk, with one knowledge suggestion, as customer-context stores it.
    func seedTicket(_ postgres: PostgresClient, subject: String) async throws -> String {
        let ticket = "T-\(UUID().uuidString.prefix(8))", customer = "C-\(UUID().uuidString.prefix(8))"
        try await postgres.query("""
            INSERT INTO support.customers (external_id, name, tier, lifetime_value) VALUES (\(customer), 'Ada Lovelace', 'enterprise', 25000)
            """, logger: harness.logger)
        let context = CustomerContext(
            customerID: UUID().uuidString, externalID: customer, name: "Ada Lovelace", email: nil, company: "Analytical Engines",
            tier: "enterprise", lifetimeValue: 25_000, totalOrders: 0, recentOrders: [], openTickets: 1, avgSentiment: -0.5,
            lastInteraction: nil, isHighValue: true, churnRisk: .high)
        let hit = KnowledgeRetriever.Hit(content: "Reset the export token under Settings.", score: 0.87, relevance: 0.46, source: "demo/export.md",
                                         metadata: .init(title: "Export troubleshooting", heading: "Tokens", kind: "bucket", chunkID: 1))
        let response = TicketResponse(ticketID: ticket, status: "processed", customerContext: context, kbSuggestions: [hit],
                                      processingTimeMs: 12, correlationID: "c")
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try await postgres.query("""
            INSERT INTO support.tickets (ticket_id, customer_external_id, subject, description, channel, priority, created_at, response)
            VALUES (\(ticket), \(customer), \(subject), 'The export fails.', 'email', 'high', now(),
                    \(String(decoding: try encoder.encode(response), as: UTF8.self))::jsonb)
            """, logger: harness.logger)
        return ticket
    }


    @Test func anAgentSeesTheCustomersChurnRiskAndASuggestionAndRatesIt() async throws {
        try await harness.run { world in
            let ticket = try await seedTicket(world.postgres, subject: "<script>alert(1)</script>")
            let agent = try await world.signedIn([.agent]).0
            let list = try await agent.get("/console/support")
            #expect(list.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;</a>"))
            #expect(!list.body.contains("<script>alert(1)"))
            let page = try await agent.get("/console/support/\(ticket)")
            #expect(page.status == .ok)
            #expect(page.body.contains(#"<dd class="risk-high" id="churn-risk">high</dd>"#))
            #expect(page.body.contains("Export troubleshooting"))
            #expect(page.body.contains("relevance 0.46"))
            #expect(page.body.contains("Ada Lovelace"))

            let rated = try await agent.post("/console/support/\(ticket)/feedback", [
                ("csrf", page.csrf ?? ""), ("rating", "4"), ("helpful", "yes"), ("suggestion_source", "demo/export.md"), ("comment", "Spot on"),
            ])
            #expect(rated.status == .seeOther)
            let stream = Topic(source: "kinexus.support", detailType: "TicketFeedbackSubmitted").streamKey
            let entries = StreamEntry.parseEntries(try await world.redis.send("XREVRANGE", stream, "+", "-", "COUNT", "50"), stream: stream)
            let feedback = try #require(entries.compactMap { try? $0.envelope().decodeDetail(as: TicketFeedbackSubmitted.self) }
                .first { $0.ticketID == ticket })
            #expect(feedback.rating == 4 && feedback.helpful && feedback.suggestionSource == "demo/export.md")
        }
    }

    @Test func onlyAnAgentRatesSuggestions() async throws {
        try await harness.run { world in
            let ticket = try await seedTicket(world.postgres, subject: "Export fails")
            let viewer = try await world.signedIn([.viewer]).0
            let page = try await viewer.get("/console/support/\(ticket)")
            #expect(!page.body.contains("Send feedback"))
            #expect(try await viewer.post("/console/support/\(ticket)/feedback", [("csrf", page.csrf ?? ""), ("rating", "1")]).status == .forbidden)
            #expect(try await viewer.get("/console/support/no-such-ticket").status == .notFound)
        }
    }

    @Test func anAgentRecordsTheAnswerGivenAndThePageShowsIt() async throws {
        try await harness.run { world in
            let ticket = try await seedTicket(world.postgres, subject: "Export fails")
            let (agent, name) = try await world.signedIn([.agent])
            let page = try await agent.get("/console/support/\(ticket)")
            #expect(page.body.contains("Answer given") && page.body.contains(">Resolve</button>"))
            #expect(try await agent.post("/console/support/\(ticket)/resolution", [("csrf", page.csrf ?? ""), ("answer", " ")]).status
                == .badRequest)
            let resolved = try await agent.post("/console/support/\(ticket)/resolution", [
                ("csrf", page.csrf ?? ""), ("answer", "Reset the export token under Settings, then export again."),
            ])
            #expect(resolved.status == .seeOther && resolved.headers[.location] == "/console/support/\(ticket)?resolved=1")
            let stream = Topic(source: "kinexus.support", detailType: TicketResolved.detailType).streamKey
            let entries = StreamEntry.parseEntries(try await world.redis.send("XREVRANGE", stream, "+", "-", "COUNT", "50"), stream: stream)
            let answer = try #require(entries.compactMap { try? $0.envelope().decodeDetail(as: TicketResolved.self) }.first { $0.ticketID == ticket })
            #expect(answer == TicketResolved(ticketID: ticket, answer: "Reset the export token under Settings, then export again.", resolvedBy: name))

            // As customer-context records it, the page shows it.
            try await world.postgres.query("""
                UPDATE support.tickets SET status = 'resolved', resolution = 'Reset the token.', resolved_by = \(name), resolved_at = now()
                WHERE ticket_id = \(ticket)
                """, logger: harness.logger)
            let shown = try await agent.get("/console/support/\(ticket)")
            #expect(shown.body.contains("Answered by <strong>\(name)</strong>") && shown.body.contains("Reset the token."))

            let viewer = try await world.signedIn([.viewer]).0
            let seen = try await viewer.get("/console/support/\(ticket)")
            #expect(seen.body.contains("Reset the token.") && !seen.body.contains(">Resolve</button>"))
            #expect(try await viewer.post("/console/support/\(ticket)/resolution", [("csrf", seen.csrf ?? ""), ("answer", "Forged.")]).status
                == .forbidden)
        }
    }
}
