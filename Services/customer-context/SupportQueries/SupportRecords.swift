import Foundation
import KinexusJSON
import KinexusPostgres
import Logging
import PostgresNIO
import SupportRules

/// customer-context's `support` tables, read-only: a customer's record and a ticket's response.
public struct SupportRecords: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// What Postgres holds of a customer: profile, order count, the last five orders, open tickets.
    public struct Record: Sendable {
        public let customerID: UUID
        public let name: String?
        public let email: String?
        public let company: String?
        public let tier: String
        public let lifetimeValue: Double
        public let totalOrders: Int
        public let openTickets: Int
        public let recentOrders: [CustomerContext.Order]
    }

    public func record(externalID: String) async throws -> Record? {
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
            public let order_id: String
            public let order_number: String
            public let status: String
            public let total_amount: Double
            public let order_date: String
            public let metadata: [String: JSONValue]
        }
        return try JSONDecoder().decode([Row].self, from: Data(json.utf8)).map { row in
            CustomerContext.Order(orderID: row.order_id, orderNumber: row.order_number, status: row.status,
                                  totalAmount: row.total_amount, orderDate: Timestamps.parse(row.order_date) ?? Date(timeIntervalSince1970: 0),
                                  metadata: row.metadata.mapValues { metadataText($0) ?? "" })
        }
    }

    /// A ticket as the console lists it.
    public struct TicketSummary: Sendable {
        public let ticketID: String
        public let subject: String
        public let customer: String
        public let priority: String
        public let status: String
        public let receivedAt: Date
        /// Nil until customer-context has built the response, or for an unknown customer.
        public let churnRisk: String?
    }

    /// The tickets received since `since` (all of them when nil), newest first: `limit` of them from `bound` (a
    /// ticket's arrival and id), from the newest when nil.
    public func tickets(from bound: PageBound?, limit: Int, since: Date? = nil) async throws -> [TicketSummary] {
        let since = since ?? Date(timeIntervalSince1970: 0)
        let page = KeysetPage(bound, newestFirst: true, firstID: "")
        guard let rows = try await client.queryIfTablesExist("""
            SELECT t.ticket_id, t.subject, coalesce(c.name, t.customer_external_id), t.priority, t.status, t.received_at,
                   t.response->'customer_context'->>'churn_risk'
            FROM (SELECT ticket_id FROM support.tickets WHERE received_at >= \(since)
                    AND (received_at, ticket_id) \(unescaped: page.comparison) (\(page.time)::timestamptz, \(page.id))
                  ORDER BY received_at \(unescaped: page.order), ticket_id \(unescaped: page.order) LIMIT \(limit)) page
            JOIN support.tickets t USING (ticket_id) LEFT JOIN support.customers c ON c.external_id = t.customer_external_id
            ORDER BY t.received_at \(unescaped: page.order), t.ticket_id \(unescaped: page.order)
            """, logger: logger) else { return [] }
        var tickets: [TicketSummary] = []
        for try await (id, subject, customer, priority, status, received, churn)
            in rows.decode((String, String, String, String, String, Date, String?).self) {
            tickets.append(TicketSummary(ticketID: id, subject: subject, customer: customer, priority: priority, status: status,
                                         receivedAt: received, churnRisk: churn))
        }
        return page.rows(tickets)
    }

    /// A ticket as received, with its response once built.
    public struct Ticket: Sendable {
        public let summary: TicketSummary
        public let description: String
        public let channel: String
        public let customerExternalID: String
        public let response: TicketResponse?
        public let resolution: Resolution?
    }

    /// How the ticket was answered, as an agent recorded it.
    public struct Resolution: Sendable, Equatable {
        public let answer: String
        public let resolvedBy: String
        public let resolvedAt: Date
    }

    public func ticket(_ id: String) async throws -> Ticket? {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT t.ticket_id, t.subject, coalesce(c.name, t.customer_external_id), t.priority, t.status, t.received_at,
                   t.response->'customer_context'->>'churn_risk', t.description, t.channel, t.customer_external_id, t.response::text,
                   t.resolution, t.resolved_by, t.resolved_at
            FROM support.tickets t LEFT JOIN support.customers c ON c.external_id = t.customer_external_id
            WHERE t.ticket_id = \(id)
            """, logger: logger) else { return nil }
        for try await (id, subject, customer, priority, status, received, churn, description, channel, external, response, answer, by, at)
            in rows.decode((String, String, String, String, String, Date, String?, String, String, String, String?, String?, String?,
                            Date?).self) {
            return Ticket(
                summary: TicketSummary(ticketID: id, subject: subject, customer: customer, priority: priority, status: status,
                                       receivedAt: received, churnRisk: churn),
                description: description, channel: channel, customerExternalID: external,
                response: try response.map { try TicketResponse.decoder.decode(TicketResponse.self, from: Data($0.utf8)) },
                resolution: answer.flatMap { answer in
                    at.map { Resolution(answer: answer, resolvedBy: by ?? "", resolvedAt: $0) }
                })
        }
        return nil
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

    /// Every rating of the ticket: which suggestion it named, if any, and whether it helped.
    public func ratings(ofTicket ticketID: String) async throws -> [(source: String?, helpful: Bool)] {
        guard let rows = try await client.queryIfTablesExist(
            "SELECT suggestion_source, helpful FROM support.feedback WHERE ticket_id = \(ticketID)", logger: logger) else { return [] }
        var ratings: [(source: String?, helpful: Bool)] = []
        for try await rating in rows.decode((String?, Bool).self) { ratings.append(rating) }
        return ratings
    }
}
