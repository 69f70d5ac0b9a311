import Foundation
import KinexusBus
import KinexusPostgres
import KinexusRedis
import KnowledgeQueries
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle
import SupportQueries

/// customer-context wired once, as its `main` runs it, the tests start it and the CLI loads the demo data:
/// the store, the contexts with their cache, the retriever with its embedding index.
public struct CustomerContextService: Sendable {
    let enricher: TicketEnricher
    let store: SupportStore
    /// What runs beside the handlers: the open-gaps gauge.
    public let background: [any Service]

    /// `metrics` is the process's metrics system unless a test reads them.
    public init(postgres: PostgresClient, redis: RedisClient, environment: [String: String], logger: Logger,
                metrics: any MetricsFactory = MetricsSystem.factory) throws {
        let settings = try SupportSettings(environment: environment)
        let gapMetrics = GapMetrics(factory: metrics)
        store = SupportStore(client: postgres, logger: logger)
        background = [OpenGapGauge(client: postgres, metrics: gapMetrics, logger: logger)]
        enricher = TicketEnricher(
            contexts: .composed(postgres: postgres, redis: redis, settings: settings, logger: logger),
            records: SupportRecords(client: postgres, logger: logger), store: store,
            interactions: InteractionLog(redis: redis, timeToLive: settings.interactionTTL),
            retriever: try .composed(postgres: postgres, environment: environment, logger: logger),
            gaps: GapLedger(client: postgres, index: GapIndex(), similarityBound: settings.gapSimilarity, logger: logger),
            drafts: GapDrafts(client: postgres, records: SupportRecords(client: postgres, logger: logger),
                              minimumTickets: settings.gapMinimumTickets, metrics: gapMetrics, logger: logger),
            minimumRelevance: settings.minimumRelevance, gapScore: settings.gapScore, logger: logger)
    }

    public static func migrations() throws -> [Migration] {
        try SupportStore.migrations()
    }

    /// What the first ticket should not wait for: the embedding index in memory.
    public func warmUp() async throws {
        _ = try await enricher.retriever.index.load()
    }

    public func subscriptions() throws -> [Subscription] {
        try enricher.subscriptions()
    }

    /// Loads the demo customers, their orders and interactions; loading again puts them back as they were.
    public func loadDemoData(now: Date = Date()) async throws {
        for customer in DemoCustomers.all {
            try await store.replaceCustomer(customer, now: now)
            try await enricher.interactions.clear(for: customer.externalID)
            for (daysAgo, sentiment, kind, summary) in customer.interactions {
                try await enricher.interactions.add(
                    Interaction(id: "\(customer.externalID)-\(Int(exactly: daysAgo).map(String.init) ?? "\(daysAgo)")", at: now.addingTimeInterval(-daysAgo * 86_400),
                                sentiment: sentiment, kind: kind, summary: summary),
                    for: customer.externalID, now: now)
            }
            try await enricher.contexts.invalidate(customer.externalID)
        }
    }
}
