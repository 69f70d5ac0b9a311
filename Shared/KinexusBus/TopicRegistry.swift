import KinexusRedis

/// Every topic stream ever published to, in the Redis set `kinexus:topics`: each publisher adds a stream the
/// first time it publishes to it, so the event-router finds the topics a rule's pattern may match without
/// scanning the keyspace. `backfill` adds the streams published before the set was kept.
public enum TopicRegistry {
    public static let key = "kinexus:topics"

    public static func add(_ streams: [String], redis: RedisClient) async throws {
        guard !streams.isEmpty else { return }
        var command = RedisCommand("SADD", key)
        for stream in streams { command.append(stream) }
        let reply = try await redis.send(command)
        if case .error(let message) = reply { throw RedisError.server(command: "SADD", message: message) }
    }

    public static func all(redis: RedisClient) async throws -> [String] {
        try await redis.send("SMEMBERS", key).array?.compactMap(\.string).sorted() ?? []
    }

    /// Adds every topic stream that exists, found by SCAN.
    public static func backfill(redis: RedisClient) async throws {
        try await add(try await BusAdmin(redis: redis).topicStreams(), redis: redis)
    }
}
