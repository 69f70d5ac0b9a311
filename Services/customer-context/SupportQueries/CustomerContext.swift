import Foundation
import SupportRules

/// What an agent sees of the customer behind a ticket.
public struct CustomerContext: Sendable, Equatable, Codable {
    public struct Order: Sendable, Equatable, Codable {
        public let orderID: String
        public let orderNumber: String
        public let status: String
        public let totalAmount: Double
        public let orderDate: Date
        public let metadata: [String: String]

        enum CodingKeys: String, CodingKey {
            case orderID = "order_id", orderNumber = "order_number", status, totalAmount = "total_amount"
            case orderDate = "order_date", metadata
        }
    }

    public let customerID: String
    public let externalID: String
    public let name: String?
    public let email: String?
    public let company: String?
    public let tier: String
    public let lifetimeValue: Double
    public let totalOrders: Int
    public let recentOrders: [Order]
    public let openTickets: Int
    public let avgSentiment: Double?
    public let lastInteraction: Date?
    public let isHighValue: Bool
    public let churnRisk: ChurnRisk

    /// Lifetime value above which a customer counts as high value.
    public static let highValue = 10_000.0

    enum CodingKeys: String, CodingKey {
        case customerID = "customer_id", externalID = "external_id", name, email, company, tier
        case lifetimeValue = "lifetime_value", totalOrders = "total_orders", recentOrders = "recent_orders"
        case openTickets = "open_tickets", avgSentiment = "avg_sentiment", lastInteraction = "last_interaction"
        case isHighValue = "is_high_value", churnRisk = "churn_risk"
    }
}
