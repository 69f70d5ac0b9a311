import Foundation
import KinexusRedis
import Logging
import PostgresNIO
import Synchronization
import SupportRules

/// Builds customer contexts from Postgres and the interactions in Redis, through a bounded cache whose
/// entries are checked against a per-customer version in Redis: a change made by any replica (a ticket,
/// feedback, an interaction) bumps the version, so no replica serves a stale context.
public final class CustomerContexts: Sendable {
    let records: SupportRecords
    let interactions: Interactions
    let redis: RedisClient
    private let cache: Mutex<ExpiringLRUCache<String, Cached>>

    struct Cached: Sendable {
        let version: Int64
        let context: CustomerContext?
    }

    public init(records: SupportRecords, interactions: Interactions, redis: RedisClient, cacheSize: Int, cacheTTL: Duration) {
        self.records = records
        self.interactions = interactions
        self.redis = redis
        cache = Mutex(ExpiringLRUCache(capacity: cacheSize, timeToLive: cacheTTL))
    }

    static func versionKey(_ externalID: String) -> String { "kinexus:support:customer-version:\(externalID)" }

    /// The context, or nil for a customer Postgres does not know.
    public func context(for externalID: String, now: Date = Date()) async throws -> CustomerContext? {
        let version = try await redis.send(RedisCommand("GET", Self.versionKey(externalID))).integer ?? 0
        if let cached = cache.withLock({ $0.value(for: externalID) }), cached.version == version { return cached.context }
        let context = try await build(externalID, now: now)
        cache.withLock { $0.set(Cached(version: version, context: context), for: externalID) }
        return context
    }

    /// Marks the customer's data changed for every replica's cache.
    public func invalidate(_ externalID: String) async throws {
        try await redis.send(RedisCommand("INCR", Self.versionKey(externalID)))
        cache.withLock { $0.remove(externalID) }
    }

    private func build(_ externalID: String, now: Date) async throws -> CustomerContext? {
        async let recent = interactions.recent(for: externalID, now: now)
        guard let record = try await records.record(externalID: externalID) else {
            _ = try await recent
            return nil
        }
        let contacts = try await recent
        let sentiment = Sentiment.average(contacts.map(\.sentiment))
        let last = contacts.map(\.at).max()
        return CustomerContext(
            customerID: record.customerID.uuidString.lowercased(), externalID: externalID, name: record.name, email: record.email,
            company: record.company, tier: record.tier, lifetimeValue: record.lifetimeValue, totalOrders: record.totalOrders,
            recentOrders: record.recentOrders, openTickets: record.openTickets, avgSentiment: sentiment, lastInteraction: last,
            isHighValue: record.lifetimeValue > CustomerContext.highValue,
            churnRisk: ChurnRisk.assess(averageSentiment: sentiment, lastInteraction: last, tier: record.tier, now: now))
    }
}

extension CustomerContexts {
    /// The contexts as customer-context and the ingress's support API both read them: from the `support`
    /// tables and the interactions in Redis, through a cache of `KINEXUS_CONTEXT_CACHE_SIZE` customers.
    public static func composed(postgres: PostgresClient, redis: RedisClient, settings: SupportSettings, logger: Logger)
        -> CustomerContexts
    {
        CustomerContexts(records: SupportRecords(client: postgres, logger: logger),
                         interactions: Interactions(redis: redis, timeToLive: settings.interactionTTL), redis: redis,
                         cacheSize: settings.cacheSize, cacheTTL: settings.cacheTTL)
    }
}
