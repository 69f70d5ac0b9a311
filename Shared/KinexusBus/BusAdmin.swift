import Foundation
import KinexusEvents
import KinexusRedis

/// What operators ask of the bus: which topics exist, how each group is doing, and replays.
public struct BusAdmin: Sendable {
    public struct GroupStats: Sendable, Equatable, Codable {
        public let stream: String
        public let group: String
        public let length: Int
        public let pending: Int
        /// Entries not yet delivered to the group; nil when Redis cannot tell (after trimming).
        public let lag: Int?
        public let consumers: Int
        /// Seconds since the oldest pending entry was published.
        public let oldestPendingAgeSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case stream, group, length, pending, lag, consumers
            case oldestPendingAgeSeconds = "oldest_pending_age_seconds"
        }
    }

    let redis: RedisClient

    public init(redis: RedisClient) {
        self.redis = redis
    }

    /// Every key matching `pattern`, by SCAN so a large keyspace is never blocked.
    public func keys(matching pattern: String) async throws -> [String] {
        var cursor = "0", keys: Set<String> = []
        repeat {
            let reply = try await redis.send("SCAN", cursor, "MATCH", pattern, "COUNT", "1000", "TYPE", "stream")
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string else {
                throw RedisError.unexpectedReply(command: "SCAN", reply: "\(reply)")
            }
            cursor = next
            keys.formUnion(parts[1].array?.compactMap(\.string) ?? [])
        } while cursor != "0"
        return keys.sorted()
    }

    public func topicStreams() async throws -> [String] {
        try await keys(matching: Topic.prefix + "*")
    }

    /// The groups with a dead-letter queue, from `DeadLetters.groupsKey`.
    public func deadLetterGroups() async throws -> [String] {
        try await redis.send("SMEMBERS", DeadLetters.groupsKey).array?.compactMap(\.string).sorted() ?? []
    }

    /// Adds the dead-letter queues made before `DeadLetters.groupsKey` was kept, found by SCAN.
    public func backfillDeadLetterGroups() async throws {
        let prefix = DeadLetters.streamKey(group: "")
        let groups = try await keys(matching: prefix + "*").map { String($0.dropFirst(prefix.count)) }
        guard !groups.isEmpty else { return }
        try await redis.send(RedisCommand(["SADD", DeadLetters.groupsKey] + groups))
    }

    /// Per topic stream and group: length, pending, lag, consumers and the age of the oldest pending entry. Two
    /// pipelined round trips per 500 streams: a round trip per stream kept the event-router's look for new topics
    /// waiting for minutes at 300 topics.
    public func stats() async throws -> [GroupStats] {
        let streams = try await topicStreams(), now = Date()
        var rows: [GroupStats] = []
        for start in stride(from: 0, to: streams.count, by: 500) {
            rows += try await groupStats(of: Array(streams[start..<min(start + 500, streams.count)]), now: now)
        }
        return rows
    }

    private func groupStats(of streams: [String], now: Date) async throws -> [GroupStats] {
        let replies = try await redis.pipeline(streams.flatMap { [RedisCommand("XLEN", $0), RedisCommand("XINFO", "GROUPS", $0)] })
        var groups: [(stream: String, name: String, length: Int, info: [String: RedisValue])] = []
        for (index, stream) in streams.enumerated() {
            let info = replies[2 * index + 1]
            if case .error(let message) = info {
                // Deleted since the scan listed it: no groups left to report.
                guard message.contains("no such key") else { throw RedisError.server(command: "XINFO", message: message) }
                continue
            }
            for group in (info.array ?? []).map(RedisValue.fields) {
                guard let name = group["name"]?.string else { continue }
                groups.append((stream, name, Int(replies[2 * index].integer ?? 0), group))
            }
        }
        let pending = groups.indices.filter { (groups[$0].info["pending"]?.integer ?? 0) > 0 }
        let summaries = try await redis.pipeline(pending.map { RedisCommand("XPENDING", groups[$0].stream, groups[$0].name) })
        var oldestAge: [Int: Double] = [:]
        for (index, summary) in zip(pending, summaries) {
            guard let parts = summary.array, parts.count >= 2, let oldest = parts[1].string else { continue }
            let milliseconds = Double(oldest.split(separator: "-").first.flatMap { Int64($0) } ?? 0)
            oldestAge[index] = max(0, now.timeIntervalSince1970 - milliseconds / 1000)
        }
        return groups.enumerated().map { index, group in
            GroupStats(
                stream: group.stream, group: group.name, length: group.length, pending: Int(group.info["pending"]?.integer ?? 0),
                lag: group.info["lag"]?.integer.map { Int($0) }, consumers: Int(group.info["consumers"]?.integer ?? 0),
                oldestPendingAgeSeconds: oldestAge[index])
        }
    }

    /// Re-publishes the entries of `stream` published between `from` and `to` for `group` alone: its
    /// handlers run again (past the marker), and every other group skips the copies. Answers the count.
    public func replay(group: String, stream: String, from: Date, to: Date?, publisher: EventPublisher) async throws -> Int {
        let groups = try await redis.send("XINFO", "GROUPS", stream).array?.map(RedisValue.fields) ?? []
        guard groups.contains(where: { $0["name"]?.string == group }) else {
            throw BusError.noSuchGroup(group: group, stream: stream)
        }
        // Copies land at the stream's end; stopping at today's end means they are never replayed themselves.
        let last = try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", "1")
        guard let lastID = StreamEntry.parseEntries(last, stream: stream).first?.id else { return 0 }
        let requestedEnd = to.map { "\($0.millisecondsSince1970)-\(Int64.max)" } ?? lastID
        let end = Self.compare(requestedEnd, lastID) < 0 ? requestedEnd : lastID
        var start = String(from.millisecondsSince1970)
        var count = 0
        while true {
            let page = StreamEntry.parseEntries(
                try await redis.send("XRANGE", stream, start, end, "COUNT", "500"), stream: stream)
            // Earlier redriven or replayed copies belong to their group; replaying them again would multiply them.
            let entries = page.filter { $0.fields != nil && $0.onlyGroup == nil }
            if !entries.isEmpty {
                _ = try await publisher.republish(entries.map { entry in
                    var fields = entry.fields ?? [:]
                    fields[StreamEntry.onlyGroupField] = group
                    return (stream, fields)
                })
                count += entries.count
            }
            guard page.count == 500, let next = page.last else { return count }
            start = "(" + next.id
        }
    }

    /// Orders stream ids `ms-seq` numerically.
    static func compare(_ lhs: String, _ rhs: String) -> Int {
        func parts(_ id: String) -> (Int64, Int64) {
            let pieces = id.split(separator: "-")
            return (Int64(pieces.first ?? "") ?? 0, Int64(pieces.dropFirst().first ?? "") ?? 0)
        }
        let (a, b) = (parts(lhs), parts(rhs))
        return a < b ? -1 : (a == b ? 0 : 1)
    }
}
