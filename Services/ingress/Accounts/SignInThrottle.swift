import KinexusRedis

/// Failed sign-ins counted per user name in Redis, shared by every replica: after `limit` failures within
/// `window` of the first, the name is refused until the window ends, whatever the password.
public struct SignInThrottle: Sendable {
    let redis: RedisClient
    let limit: Int64
    let window: Duration

    public init(redis: RedisClient, limit: Int = 5, window: Duration = .seconds(15 * 60)) {
        self.redis = redis
        self.limit = Int64(limit)
        self.window = window
    }

    private func key(_ name: String) -> String { "kinexus:sign-in-failures:\(name.lowercased())" }

    /// How long the name stays refused; nil while it may try.
    public func refusal(for name: String) async throws -> Duration? {
        let replies = try await redis.pipeline([RedisCommand("GET", key(name)), RedisCommand("PTTL", key(name))])
        guard let failures = replies[0].integer, failures >= limit else { return nil }
        return .milliseconds(max(1, replies[1].integer ?? window.milliseconds))
    }

    /// Counts a failure; the window starts with the first.
    public func failed(_ name: String) async throws {
        let replies = try await redis.pipeline([
            RedisCommand("SET", key(name), "0", "PX", String(window.milliseconds), "NX"), RedisCommand("INCR", key(name)),
        ])
        if case .error(let message) = replies[1] { throw RedisError.server(command: "INCR", message: message) }
    }

    public func succeeded(_ name: String) async throws {
        try await redis.send("DEL", key(name))
    }
}
