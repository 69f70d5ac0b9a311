import Foundation
import KinexusJSON
import KinexusPostgres
import Logging
import PostgresNIO
import SupportRules

/// customer-context's `support` tables, the only writer of them.
struct SupportStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static func migrations() throws -> [Migration] {
        try Migration.loadBundled(Bundle.module.url(forResource: "Migrations", withExtension: nil), owner: "customer-context")
    }

    /// Creates or replaces a customer, its orders replaced too (the demo data's loader).
    func replaceCustomer(_ customer: DemoCustomers.Customer, now: Date) async throws {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.tracedQuery("""
                INSERT INTO support.customers (external_id, email, name, company, tier, lifetime_value)
                VALUES (\(customer.externalID), \(customer.email), \(customer.name), \(customer.company), \(customer.tier),
                        \(customer.lifetimeValue))
                ON CONFLICT (external_id) DO UPDATE SET email = excluded.email, name = excluded.name, company = excluded.company,
                    tier = excluded.tier, lifetime_value = excluded.lifetime_value
                RETURNING customer_id
                """, logger: logger)
            var id: UUID?
            for try await found in rows.decode(UUID.self) { id = found }
            guard let id else { return }
            try await connection.tracedQuery("DELETE FROM support.orders WHERE customer_id = \(id)", logger: logger)
            for (number, status, amount, daysAgo) in customer.orders {
                try await connection.tracedQuery("""
                    INSERT INTO support.orders (customer_id, order_number, status, total_amount, order_date, metadata)
                    VALUES (\(id), \(number), \(status), \(amount), \(now.addingTimeInterval(-daysAgo * 86_400)),
                            '{"source": "demo"}')
                    """, logger: logger)
            }
        }
    }

    /// Records the ticket once; answers false when it was already recorded.
    func recordTicket(_ ticket: TicketSubmission) async throws -> Bool {
        let metadata = String(decoding: try JSONEncoder().encode(ticket.metadata), as: UTF8.self)
        let rows = try await client.tracedQuery("""
            INSERT INTO support.tickets (ticket_id, external_ticket_id, customer_external_id, subject, description, channel,
                                         priority, metadata, created_at)
            VALUES (\(ticket.ticketID), \(ticket.externalTicketID), \(ticket.customerExternalID), \(ticket.subject),
                    \(ticket.description), \(ticket.channel), \(ticket.priority), \(metadata)::jsonb, \(ticket.createdAt))
            ON CONFLICT (ticket_id) DO NOTHING
            RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    func storeResponse(ticketID: String, response: String, processingTime: Int) async throws {
        try await client.tracedQuery("""
            UPDATE support.tickets SET response = \(response)::jsonb, processing_time_ms = \(processingTime)
            WHERE ticket_id = \(ticketID)
            """, logger: logger)
    }

    /// Resolves the ticket with `answer` as of `time`, unless a later resolution is recorded already (a
    /// redelivery writes the same again); answers false for a ticket never received.
    func resolve(_ ticketID: String, answer: String, by agent: String, at time: Date) async throws -> Bool {
        let rows = try await client.tracedQuery("""
            UPDATE support.tickets SET
                status = CASE WHEN resolved_at IS NULL OR resolved_at <= \(time) THEN 'resolved' ELSE status END,
                resolution = CASE WHEN resolved_at IS NULL OR resolved_at <= \(time) THEN \(answer) ELSE resolution END,
                resolved_by = CASE WHEN resolved_at IS NULL OR resolved_at <= \(time) THEN \(agent) ELSE resolved_by END,
                resolved_at = greatest(resolved_at, \(time))
            WHERE ticket_id = \(ticketID) RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// Records feedback once per event; answers false for a redelivery.
    func recordFeedback(_ feedback: (ticketID: String, rating: Int, helpful: Bool, comment: String?, source: String?), eventID: String)
        async throws -> Bool
    {
        let rows = try await client.tracedQuery("""
            INSERT INTO support.feedback (ticket_id, rating, helpful, comment, suggestion_source, event_id)
            VALUES (\(feedback.ticketID), \(feedback.rating), \(feedback.helpful), \(feedback.comment), \(feedback.source), \(eventID))
            ON CONFLICT (event_id) DO NOTHING
            RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }
}
