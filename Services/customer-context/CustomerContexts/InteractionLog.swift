import Foundation
import KinexusRedis
import SupportQueries

/// Writes each customer's interactions to Redis, where `Interactions` reads them: a sorted set by time,
/// entries older than the time to live dropped as it is written, the key itself expiring after it.
struct InteractionLog: Sendable {
    let redis: RedisClient
    let timeToLive: Duration

    func add(_ interaction: Interaction, for externalID: String, now: Date = Date()) async throws {
        let key = Interactions.key(externalID)
        let oldest = now.millisecondsSince1970 - timeToLive.milliseconds
        _ = try await redis.pipeline([
            RedisCommand("ZADD", key, String(interaction.at.millisecondsSince1970), try interaction.stored()),
            RedisCommand("ZREMRANGEBYSCORE", key, "-inf", "(\(oldest)"),
            RedisCommand("PEXPIRE", key, String(timeToLive.milliseconds)),
        ])
    }

    /// Forgets every interaction of the customer.
    func clear(for externalID: String) async throws {
        try await redis.send(RedisCommand("DEL", Interactions.key(externalID)))
    }
}
