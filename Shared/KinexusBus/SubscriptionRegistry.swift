import KinexusJSON
import KinexusRedis

/// Which patterns each service's group subscribes with, kept in one Redis hash (`kinexus:subscriptions`, a field
/// per group) that every service writes when it starts: the AWS endpoint lists them as managed rules.
public enum SubscriptionRegistry {
    public static let key = "kinexus:subscriptions"

    public static func register(_ subscriptions: [Subscription], group: String, redis: RedisClient) async throws {
        let patterns = JSONValue.array(subscriptions.map(\.pattern.json))
        let reply = try await redis.send("HSET", key, group, patterns.jsonText)
        if case .error(let message) = reply { throw RedisError.server(command: "HSET", message: message) }
    }

    /// Every registered group's patterns, by group.
    public static func all(redis: RedisClient) async throws -> [String: [JSONValue]] {
        let reply = try await redis.send("HGETALL", key)
        var groups: [String: [JSONValue]] = [:]
        let flat = reply.array ?? []
        for index in stride(from: 0, to: flat.count - 1, by: 2) {
            guard let group = flat[index].string, let text = flat[index + 1].string,
                  let patterns = (try? JSONValue(parsing: text))?.arrayValue
            else { continue }
            groups[group] = patterns
        }
        return groups
    }
}
