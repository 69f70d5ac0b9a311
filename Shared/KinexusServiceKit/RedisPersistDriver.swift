import Foundation
import Hummingbird
import KinexusRedis

/// Hummingbird's key-value persistence on Redis, for hummingbird-auth's session storage: values are JSON
/// under their key, expiries Redis's own.
public struct RedisPersistDriver: PersistDriver {
    let redis: RedisClient

    public init(redis: RedisClient) {
        self.redis = redis
    }

    public func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let reply = try await redis.send(command("SET", key, value, expires: expires, extra: ["NX"]))
        guard reply != .null else { throw PersistError.duplicate }
    }

    public func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        try await redis.send(command("SET", key, value, expires: expires, extra: expires == nil ? ["KEEPTTL"] : []))
    }

    public func get<Object: Codable & Sendable>(key: String, as object: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: object)?.object
    }

    public func getWithTTL<Object: Codable & Sendable>(key: String, as object: Object.Type) async throws
        -> (object: Object, ttl: Duration?)?
    {
        let replies = try await redis.pipeline([RedisCommand("GET", key), RedisCommand("PTTL", key)])
        guard case .bulk(let bytes) = replies[0] else { return nil }
        guard let value = try? JSONDecoder().decode(object, from: Data(bytes)) else { throw PersistError.invalidConversion }
        let milliseconds = replies[1].integer ?? -1
        return (value, milliseconds >= 0 ? .milliseconds(milliseconds) : nil)
    }

    public func remove(key: String) async throws {
        try await redis.send("DEL", key)
    }

    private func command<Object: Encodable>(_ name: String, _ key: String, _ value: Object, expires: Duration?, extra: [String])
        throws -> RedisCommand
    {
        var command = RedisCommand(name, key)
        command.append(bytes: Array(try JSONEncoder().encode(value)))
        if let expires {
            // At least a millisecond: Redis refuses PX 0. Expiries come from settings, a year at most.
            command.append("PX")
            command.append(String(max(1, expires.milliseconds)))
        }
        extra.forEach { command.append($0) }
        return command
    }
}
