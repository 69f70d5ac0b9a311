import Foundation
import KinexusRedis

/// An API destination's invocation rate, held across every event-router replica: the generic cell rate
/// algorithm on one Redis key per destination, in one script, against Redis's own clock. A delivery waits its
/// turn; nothing is refused.
struct RateLimiter: Sendable {
    let redis: RedisClient

    /// KEYS: the destination's key. ARGV: microseconds between invocations. Answers microseconds to wait (0: go).
    static let script = """
        local now = redis.call('TIME')
        local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
        local interval = tonumber(ARGV[1])
        local due = tonumber(redis.call('GET', KEYS[1]) or now_us)
        if due < now_us then due = now_us end
        if due > now_us then return due - now_us end
        redis.call('SET', KEYS[1], due + interval, 'PX', math.ceil(interval / 1000) + 1000)
        return 0
        """

    static func key(destination: String) -> String { "kinexus:rate:api-destination:\(destination)" }

    /// Returns once this replica may invoke `destination`, at most `perSecond` times a second across replicas.
    func acquire(destination: String, perSecond: Int) async throws {
        let interval = 1_000_000 / max(1, min(perSecond, 1_000_000))
        while true {
            let reply = try await redis.send("EVAL", Self.script, "1", Self.key(destination: destination), String(interval))
            if case .error(let message) = reply { throw RedisError.server(command: "EVAL", message: message) }
            guard let wait = reply.integer, wait > 0 else { return }
            try await Task.sleep(for: .microseconds(wait))
        }
    }
}
