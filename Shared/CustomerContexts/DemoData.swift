import Foundation

/// Loads the demo customers, their orders and interactions; loading again puts them back as they were.
public enum DemoData {
    public static func load(into store: SupportStore, contexts: CustomerContexts, now: Date = Date()) async throws {
        for customer in DemoCustomers.all {
            try await store.replaceCustomer(customer, now: now)
            try await contexts.interactions.clear(for: customer.externalID)
            for (daysAgo, sentiment, kind, summary) in customer.interactions {
                try await contexts.interactions.add(
                    Interaction(id: "\(customer.externalID)-\(Int(daysAgo))", at: now.addingTimeInterval(-daysAgo * 86_400),
                                sentiment: sentiment, kind: kind, summary: summary),
                    for: customer.externalID, now: now)
            }
            try await contexts.invalidate(customer.externalID)
        }
    }
}
