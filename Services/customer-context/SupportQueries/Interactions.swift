import Foundation
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

    /// The interaction as Redis keeps it: JSON, its time in milliseconds.
    public func stored() throws -> String {
        String(decoding: try Self.encoder.encode(self), as: UTF8.self)
    }

    static func read(_ stored: String) -> Interaction? {
        try? decoder.decode(Interaction.self, from: Data(stored.utf8))
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

/// Each customer's interactions in Redis, read: a sorted set by time, written by customer-context alone
/// (`InteractionLog`), its entries older than the time to live not counted.
public struct Interactions: Sendable {
    let redis: RedisClient
    public let timeToLive: Duration
    /// The newest this many are read.
    static let newest = 20

    public init(redis: RedisClient, timeToLive: Duration) {
        self.redis = redis
        self.timeToLive = timeToLive
    }

    public static func key(_ externalID: String) -> String { "kinexus:support:interactions:\(externalID)" }

    /// The newest 20 within the time to live, newest first.
    public func recent(for externalID: String, now: Date = Date()) async throws -> [Interaction] {
        let oldest = now.millisecondsSince1970 - timeToLive.milliseconds
        let reply = try await redis.send(RedisCommand(
            "ZREVRANGEBYSCORE", Self.key(externalID), "+inf", String(oldest), "LIMIT", "0", String(Self.newest)))
        return (reply.array ?? []).compactMap { $0.string.flatMap(Interaction.read) }
    }
}
