import KinexusRedis

/// Webhook delivery ids already received, so a provider's retry is answered without publishing again.
/// A delivery is remembered only after it was fully processed: one that failed half-way runs again.
struct DeliveryMemory: Sendable {
    let redis: RedisClient
    /// `jira`, `github`: each provider's ids live apart.
    let provider: String
    let duration: Duration

    private func key(_ delivery: String) -> String { "kinexus:webhook:\(provider):\(delivery)" }

    func isRepeat(_ delivery: String?) async throws -> Bool {
        guard let delivery else { return false }
        return try await redis.send("EXISTS", key(delivery)) == .integer(1)
    }

    func remember(_ delivery: String?) async throws {
        guard let delivery else { return }
        try await redis.send("SET", key(delivery), "1", "EX", String(duration.components.seconds))
    }
}
