import Foundation
import KinexusBus
import KinexusRedis
import SupportRules

/// A contact with a customer and how it went.
public struct Interaction: Sendable, Equatable, Codable {
    public let id: String
    public let at: Date
    /// In [-1, 1].
    public let sentiment: Double
    public let kind: String
    public let summary: String

    public init(id: String = UUID().uuidString.lowercased(), at: Date, sentiment: Double, kind: String, summary: String) {
        self.id = id
        self.at = at
        self.sentiment = min(max(sentiment, -1), 1)
        self.kind = kind
        self.summary = summary
    }
}

/// Each customer's interactions in Redis: a sorted set by time, entries older than the time to live
/// dropped as it is read or written, and the key itself expiring after it.
public struct Interactions: Sendable {
    let redis: RedisClient
    public let timeToLive: Duration
    /// The newest this many are read.
    static let newest = 20

    public init(redis: RedisClient, timeToLive: Duration) {
        self.redis = redis
        self.timeToLive = timeToLive
    }

    static func key(_ externalID: String) -> String { "kinexus:support:interactions:\(externalID)" }

    private var ttlMilliseconds: Int64 { timeToLive.milliseconds }

    public func add(_ interaction: Interaction, for externalID: String, now: Date = Date()) async throws {
        let key = Self.key(externalID)
        let member = String(decoding: try Self.encoder.encode(interaction), as: UTF8.self)
        let oldest = Int64(now.timeIntervalSince1970 * 1000) - ttlMilliseconds
        _ = try await redis.pipeline([
            RedisCommand("ZADD", key, String(Int64(interaction.at.timeIntervalSince1970 * 1000)), member),
            RedisCommand("ZREMRANGEBYSCORE", key, "-inf", "(\(oldest)"),
            RedisCommand("PEXPIRE", key, String(ttlMilliseconds)),
        ])
    }

    /// Forgets every interaction of the customer.
    public func clear(for externalID: String) async throws {
        try await redis.send(RedisCommand("DEL", Self.key(externalID)))
    }

    /// The newest 20 within the time to live, newest first.
    public func recent(for externalID: String, now: Date = Date()) async throws -> [Interaction] {
        let oldest = Int64(now.timeIntervalSince1970 * 1000) - ttlMilliseconds
        let reply = try await redis.send(RedisCommand(
            "ZREVRANGEBYSCORE", Self.key(externalID), "+inf", String(oldest), "LIMIT", "0", String(Self.newest)))
        return (reply.array ?? []).compactMap { $0.string.flatMap { try? Self.decoder.decode(Interaction.self, from: Data($0.utf8)) } }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()
}
