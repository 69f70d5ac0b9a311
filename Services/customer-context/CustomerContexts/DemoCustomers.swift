import Foundation

/// The demo dataset's customers: every tier, high and low value, and interactions that put them at low,
/// medium and high churn risk. Times are relative to when the data is loaded.
public enum DemoCustomers {
    public struct Customer: Sendable {
        public let externalID: String
        public let name: String
        public let email: String
        public let company: String
        public let tier: String
        public let lifetimeValue: Double
        /// (order number, status, amount, days ago)
        public let orders: [(String, String, Double, Double)]
        /// (days ago, sentiment, kind, summary)
        public let interactions: [(Double, Double, String, String)]
    }

    public static let all: [Customer] = [
        Customer(externalID: "demo-cust-001", name: "Ana Lima", email: "ana@northwind.example", company: "Northwind Traders",
                 tier: "enterprise", lifetimeValue: 48_200,
                 orders: [("NW-1042", "delivered", 1_240, 3), ("NW-1038", "delivered", 980, 17), ("NW-1031", "returned", 410, 33),
                          ("NW-1024", "delivered", 2_150, 52), ("NW-1019", "delivered", 760, 75), ("NW-1002", "delivered", 1_900, 140)],
                 interactions: [(2, 0.6, "chat", "Thanked support for the quick SSO setup"),
                                (20, 0.3, "call", "Quarterly review, happy with delivery times")]),
        Customer(externalID: "demo-cust-002", name: "Ben Okafor", email: "ben@globex.example", company: "Globex",
                 tier: "enterprise", lifetimeValue: 31_750,
                 orders: [("GX-2210", "delayed", 3_400, 9), ("GX-2198", "delivered", 1_150, 40)],
                 interactions: [(38, -0.7, "call", "Angry about a delayed shipment and missing invoice"),
                                (45, -0.4, "email", "Asked to escalate an API rate limit problem")]),
        Customer(externalID: "demo-cust-003", name: "Chloé Martin", email: "chloe@initech.example", company: "Initech",
                 tier: "pro", lifetimeValue: 8_900,
                 orders: [("IN-0451", "delivered", 420, 6), ("IN-0447", "delivered", 380, 28), ("IN-0430", "cancelled", 150, 61)],
                 interactions: [(5, -0.2, "chat", "Confused by the new invoice layout")]),
        Customer(externalID: "demo-cust-004", name: "Dev Patel", email: "dev@umbrella.example", company: "Umbrella Health",
                 tier: "pro", lifetimeValue: 12_300,
                 orders: [("UH-7781", "delivered", 2_300, 70), ("UH-7702", "delivered", 1_800, 95)],
                 interactions: [(72, 0.1, "email", "Asked about the Pro plan's export schedule")]),
        Customer(externalID: "demo-cust-005", name: "Eva Novak", email: "eva@hooli.example", company: "Hooli",
                 tier: "basic", lifetimeValue: 640,
                 orders: [("HO-0093", "delivered", 59, 12), ("HO-0087", "refunded", 35, 44)],
                 interactions: [(12, -0.8, "chat", "Parcel arrived damaged, wants a refund"),
                                (44, -0.5, "email", "Refund took longer than promised")]),
        Customer(externalID: "demo-cust-006", name: "Felix Braun", email: "felix@vandelay.example", company: "Vandelay Industries",
                 tier: "basic", lifetimeValue: 1_150,
                 orders: [("VA-3301", "delivered", 89, 4)],
                 interactions: []),
        Customer(externalID: "demo-cust-007", name: "Grace Ho", email: "grace@stark.example", company: "Stark Logistics",
                 tier: "enterprise", lifetimeValue: 95_400,
                 orders: [("SL-9920", "delivered", 12_800, 1), ("SL-9911", "delivered", 9_400, 15), ("SL-9903", "delivered", 11_200, 29),
                          ("SL-9890", "delivered", 8_700, 46), ("SL-9872", "delivered", 10_100, 60), ("SL-9851", "delivered", 7_900, 81),
                          ("SL-9840", "delivered", 9_300, 99)],
                 interactions: [(1, 0.8, "call", "Renewed the annual contract early"),
                                (8, 0.5, "chat", "Asked for a second SSO identity provider")]),
        Customer(externalID: "demo-cust-008", name: "Hiro Tanaka", email: "hiro@wayne.example", company: "Wayne Retail",
                 tier: "pro", lifetimeValue: 4_300,
                 orders: [("WR-5120", "delivered", 310, 22), ("WR-5107", "delivered", 270, 67)],
                 interactions: [(66, 0.2, "email", "Asked how to reset a locked account")]),
    ]
}
