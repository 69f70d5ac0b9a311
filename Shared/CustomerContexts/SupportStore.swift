import Foundation
import KinexusJSON
import KinexusPostgres
import Logging
import PostgresNIO
import SupportRules

/// customer-context's `support` tables.
public struct SupportStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public static func migrations() throws -> [Migration] {
        try Migration.loadBundled(Bundle.module.url(forResource: "Migrations", withExtension: nil), service: "customer-context")
    }

    /// What Postgres holds of a customer: profile, order count, the last five orders, open tickets.
    struct Record: Sendable {
        let customerID: UUID
        let name: String?
        let email: String?
        let company: String?
        let tier: String
        let lifetimeValue: Double
        let totalOrders: Int
        let openTickets: Int
        let recentOrders: [CustomerContext.Order]
    }

    func record(externalID: String) async throws -> Record? {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT c.customer_id, c.name, c.email, c.company, c.tier, c.lifetime_value::float8,
                   (SELECT count(*) FROM support.orders o WHERE o.customer_id = c.customer_id)::int,
                   (SELECT count(*) FROM support.tickets t
                    WHERE t.customer_external_id = c.external_id AND t.status IN ('open', 'pending'))::int,
                   coalesce((SELECT json_agg(json_build_object(
                        'order_id', o.order_id, 'order_number', o.order_number, 'status', o.status,
                        'total_amount', o.total_amount::float8, 'order_date', o.order_date, 'metadata', o.metadata)
                        ORDER BY o.order_date DESC)
                    FROM (SELECT * FROM support.orders WHERE customer_id = c.customer_id ORDER BY order_date DESC LIMIT 5) o),
                    '[]')::text
            FROM support.customers c WHERE c.external_id = \(externalID)
            """, logger: logger) else { return nil }
        for try await (id, name, email, company, tier, value, total, open, orders)
            in rows.decode((UUID, String?, String?, String?, String, Double, Int, Int, String).self)
        {
            return Record(customerID: id, name: name, email: email, company: company, tier: tier, lifetimeValue: value,
                          totalOrders: total, openTickets: open, recentOrders: try Self.orders(orders))
        }
        return nil
    }

    static func orders(_ json: String) throws -> [CustomerContext.Order] {
        struct Row: Decodable {
            let order_id: String
            let order_number: String
            let status: String
            let total_amount: Double
            let order_date: String
            let metadata: [String: JSONValue]
        }
        return try JSONDecoder().decode([Row].self, from: Data(json.utf8)).map { row in
            CustomerContext.Order(orderID: row.order_id, orderNumber: row.order_number, status: row.status,
                                  totalAmount: row.total_amount, orderDate: Timestamps.parse(row.order_date) ?? Date(timeIntervalSince1970: 0),
                                  metadata: row.metadata.mapValues { metadataText($0) ?? "" })
        }
    }

    /// Creates or replaces a customer, its orders replaced too (the demo data's loader).
    public func replaceCustomer(_ customer: DemoCustomers.Customer, now: Date) async throws {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query("""
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
            try await connection.query("DELETE FROM support.orders WHERE customer_id = \(id)", logger: logger)
            for (number, status, amount, daysAgo) in customer.orders {
                try await connection.query("""
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
        let rows = try await client.query("""
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
        try await client.query("""
            UPDATE support.tickets SET response = \(response)::jsonb, processing_time_ms = \(processingTime)
            WHERE ticket_id = \(ticketID)
            """, logger: logger)
    }

    /// The stored response, as JSON text.
    public func response(ticketID: String) async throws -> String? {
        guard let rows = try await client.queryIfTablesExist(
            "SELECT response::text FROM support.tickets WHERE ticket_id = \(ticketID)", logger: logger) else { return nil }
        for try await response in rows.decode(String?.self) { return response }
        return nil
    }

    /// The ticket's customer, by external id; nil for an unknown ticket.
    public func customer(ofTicket ticketID: String) async throws -> String? {
        guard let rows = try await client.queryIfTablesExist(
            "SELECT customer_external_id FROM support.tickets WHERE ticket_id = \(ticketID)", logger: logger) else { return nil }
        for try await customer in rows.decode(String.self) { return customer }
        return nil
    }

    /// Records feedback once per event; answers false for a redelivery.
    func recordFeedback(_ feedback: (ticketID: String, rating: Int, helpful: Bool, comment: String?, source: String?), eventID: String)
        async throws -> Bool
    {
        let rows = try await client.query("""
            INSERT INTO support.feedback (ticket_id, rating, helpful, comment, suggestion_source, event_id)
            VALUES (\(feedback.ticketID), \(feedback.rating), \(feedback.helpful), \(feedback.comment), \(feedback.source), \(eventID))
            ON CONFLICT (event_id) DO NOTHING
            RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }
}
