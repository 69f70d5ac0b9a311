import Foundation
import KinexusPostgres
import Logging
import PostgresNIO
import SupportRules

/// customer-context's knowledge gaps, read-only: the console's list and a gap's page.
extension SupportRecords {
    /// A gap as the list shows it.
    public struct GapSummary: Sendable, Equatable, Encodable {
        public let gapID: UUID
        public let status: String
        public let question: String
        public let ticketCount: Int
        public let customers: Int
        /// The customers' tiers, each once, alphabetically; unknown customers have none.
        public let tiers: [String]
        public let firstSeen: Date
        public let lastSeen: Date
        /// The article's document once written, and its page once published.
        public let documentID: UUID?
        public let pageURL: String?

        /// Whether an agent may ask for its article now: no draft of it is under way.
        public var isDraftable: Bool { KnowledgeGapRules.isDraftable(status: status) }

        enum CodingKeys: String, CodingKey {
            case gapID = "gap_id", status, question, ticketCount = "ticket_count", customers, tiers, firstSeen = "first_seen"
            case lastSeen = "last_seen", documentID = "document_id", pageURL = "page_url"
        }

        /// Ids in lower case, as every other id Kinexus answers (Foundation would write them upper case).
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(gapID.uuidString.lowercased(), forKey: .gapID)
            try container.encode(status, forKey: .status)
            try container.encode(question, forKey: .question)
            try container.encode(ticketCount, forKey: .ticketCount)
            try container.encode(customers, forKey: .customers)
            try container.encode(tiers, forKey: .tiers)
            try container.encode(firstSeen, forKey: .firstSeen)
            try container.encode(lastSeen, forKey: .lastSeen)
            try container.encode(documentID?.uuidString.lowercased(), forKey: .documentID)
            try container.encode(pageURL, forKey: .pageURL)
        }
    }

    /// A ticket of a gap, with the answer an agent recorded for it.
    public struct GapTicket: Sendable, Equatable, Encodable {
        public let ticketID: String
        public let subject: String
        public let description: String
        public let customer: String
        public let tier: String?
        public let reason: String
        public let bestRelevance: Double
        public let answer: String?

        enum CodingKeys: String, CodingKey {
            case ticketID = "ticket_id", subject, description, customer, tier, reason, bestRelevance = "best_relevance", answer
        }
    }

    public struct Gap: Sendable, Equatable, Encodable {
        public let summary: GapSummary
        /// In the order they were placed.
        public let tickets: [GapTicket]

        enum CodingKeys: String, CodingKey { case summary = "gap", tickets }
    }

    /// The gaps, largest first: `limit` of them from `offset`.
    public func gaps(offset: Int, limit: Int) async throws -> [GapSummary] {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT \(unescaped: Self.summaryColumns) FROM support.gap_summaries
            ORDER BY ticket_count DESC, last_seen DESC, gap_id LIMIT \(limit) OFFSET \(offset)
            """, logger: logger) else { return [] }
        return try await Self.summaries(rows)
    }

    /// The gap with `ticketLimit` of its tickets: those an agent answered first, then the newest.
    public func gap(_ id: UUID, ticketLimit: Int) async throws -> Gap? {
        guard let summaries = try await client.queryIfTablesExist(
                "SELECT \(unescaped: Self.summaryColumns) FROM support.gap_summaries WHERE gap_id = \(id)", logger: logger),
              let summary = try await Self.summaries(summaries).first,
              let rows = try await client.queryIfTablesExist("""
                SELECT t.ticket_id, t.subject, t.description, coalesce(c.name, t.customer_external_id), c.tier, g.reason,
                       g.best_relevance, t.resolution
                FROM support.gap_tickets g JOIN support.tickets t USING (ticket_id)
                LEFT JOIN support.customers c ON c.external_id = t.customer_external_id
                WHERE g.gap_id = \(id) ORDER BY t.resolution IS NULL, g.entry_id DESC LIMIT \(ticketLimit)
                """, logger: logger)
        else { return nil }
        var tickets: [GapTicket] = []
        for try await (ticket, subject, description, customer, tier, reason, relevance, answer)
            in rows.decode((String, String, String, String, String?, String, Double, String?).self) {
            tickets.append(GapTicket(ticketID: ticket, subject: subject, description: description, customer: customer, tier: tier,
                                     reason: reason, bestRelevance: relevance, answer: answer))
        }
        return Gap(summary: summary, tickets: tickets)
    }

    /// The gap a ticket was placed in, if any.
    public func gap(ofTicket ticketID: String) async throws -> UUID? {
        guard let rows = try await client.queryIfTablesExist(
            "SELECT gap_id FROM support.gap_tickets WHERE ticket_id = \(ticketID)", logger: logger) else { return nil }
        for try await gap in rows.decode(UUID.self) { return gap }
        return nil
    }

    private static let summaryColumns = "gap_id, status, question, ticket_count, customers, tiers, first_seen, last_seen, document_id, page_url"

    private static func summaries(_ rows: PostgresRowSequence) async throws -> [GapSummary] {
        var gaps: [GapSummary] = []
        for try await (id, status, question, count, customers, tiers, first, last, document, page)
            in rows.decode((UUID, String, String, Int, Int, [String], Date, Date, UUID?, String?).self) {
            gaps.append(GapSummary(gapID: id, status: status, question: question, ticketCount: count, customers: customers, tiers: tiers,
                                   firstSeen: first, lastSeen: last, documentID: document, pageURL: page))
        }
        return gaps
    }
}
