import Foundation
import KinexusPostgres
import Logging
import PostgresNIO
import SupportRules

/// customer-context's knowledge gaps: unanswered tickets placed in the gap of their topic, one at a time
/// across every replica, so similar tickets handled at once make one gap and a redelivered ticket counts once.
struct GapLedger: Sendable {
    let client: PostgresClient
    let index: GapIndex
    /// How alike a ticket must be to a gap's nearest ticket to join it.
    let similarityBound: Float
    let logger: Logger

    struct Ticket: Sendable {
        let ticketID: String
        /// Its subject and description, as retrieval read them.
        let question: String
        let embedding: [Float]
        let reason: GapReason
        let bestRelevance: Double
        let seenAt: Date
    }

    enum Placement: Equatable, Sendable {
        case opened(UUID)
        case joined(UUID, ticketCount: Int, reopened: Bool)
        /// The ticket was placed before (a redelivery, or unanswered twice over).
        case alreadyPlaced(UUID)

        var gap: UUID {
            switch self {
            case .opened(let gap), .joined(let gap, _, _), .alreadyPlaced(let gap): gap
            }
        }
    }

    func place(_ ticket: Ticket) async throws -> Placement {
        try await client.whileHolding(lock: "support.knowledge_gaps", logger: logger) {
            try await client.transaction(logger: logger) { connection in
                for try await gap in try await connection.tracedQuery(
                    "SELECT gap_id FROM support.gap_tickets WHERE ticket_id = \(ticket.ticketID)", logger: logger
                ).decode(UUID.self) {
                    return .alreadyPlaced(gap)
                }
                var entries: [(entry: Int64, gap: UUID, embedding: [Float])] = []
                for try await entry in try await connection.tracedQuery("""
                    SELECT entry_id, gap_id, embedding FROM support.gap_tickets WHERE entry_id > \(index.newestEntry) ORDER BY entry_id
                    """, logger: logger).decode((Int64, UUID, [Float]).self) {
                    entries.append(entry)
                }
                index.add(entries)
                let nearest = index.nearest(to: ticket.embedding)
                switch KnowledgeGapRules.placement(nearest: nearest, bound: similarityBound) {
                case .open:
                    let gap = UUID()
                    try await connection.tracedQuery("""
                        INSERT INTO support.knowledge_gaps (gap_id, question, ticket_count, first_seen, last_seen)
                        VALUES (\(gap), \(ticket.question), 1, \(ticket.seenAt), \(ticket.seenAt))
                        """, logger: logger)
                    try await insertEntry(ticket, gap: gap, similarity: nil, connection)
                    return .opened(gap)
                case .join(let gap):
                    try await insertEntry(ticket, gap: gap, similarity: nearest?.similarity, connection)
                    let rows = try await connection.tracedQuery("""
                        UPDATE support.knowledge_gaps g SET ticket_count = g.ticket_count + 1,
                            first_seen = least(g.first_seen, \(ticket.seenAt)), last_seen = greatest(g.last_seen, \(ticket.seenAt)),
                            status = CASE WHEN g.status = 'closed' THEN 'reopened' ELSE g.status END,
                            reopened_at = CASE WHEN g.status = 'closed' THEN now() ELSE g.reopened_at END
                        FROM support.knowledge_gaps before WHERE g.gap_id = \(gap) AND before.gap_id = g.gap_id
                        RETURNING g.ticket_count, before.status = 'closed'
                        """, logger: logger)
                    var (count, reopened) = (0, false)
                    for try await row in rows.decode((Int, Bool).self) { (count, reopened) = row }
                    return .joined(gap, ticketCount: count, reopened: reopened)
                }
            }
        }
    }

    private func insertEntry(_ ticket: Ticket, gap: UUID, similarity: Float?, _ connection: PostgresConnection) async throws {
        try await connection.tracedQuery("""
            INSERT INTO support.gap_tickets (ticket_id, gap_id, reason, best_relevance, similarity, embedding)
            VALUES (\(ticket.ticketID), \(gap), \(ticket.reason.rawValue), \(ticket.bestRelevance), \(similarity), \(ticket.embedding))
            """, logger: logger)
    }
}
