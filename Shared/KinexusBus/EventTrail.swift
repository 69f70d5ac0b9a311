import Foundation
import KinexusEvents
import KinexusRedis

/// What happened to an event: every entry on every topic stream of its chain (the entries sharing its
/// correlation id), oldest first, each with what every group that reads its stream did with it.
public struct EventTrail: Sendable {
    public struct Step: Sendable, Encodable, Equatable {
        public let stream: String
        public let entryID: String
        /// When Redis added the entry, to the millisecond (ISO 8601).
        public let time: String
        public let eventID: String
        public let detailType: String
        public let source: String
        public let correlationID: String
        /// The W3C trace id the entry was published in; nil when tracing was off.
        public let traceID: String?
        /// Set on a redriven or replayed copy: the one group meant to handle it.
        public let onlyGroup: String?
        public let groups: [GroupOutcome]

        enum CodingKeys: String, CodingKey {
            case stream, entryID = "entry_id", time, eventID = "event_id", detailType = "detail_type", source
            case correlationID = "correlation_id", traceID = "trace_id", onlyGroup = "only_group", groups
        }
    }

    public struct GroupOutcome: Sendable, Encodable, Equatable {
        public enum Status: String, Sendable, Encodable {
            /// Acknowledged: handled, or not selected by the group's pattern.
            case handled
            /// Delivered and not yet acknowledged: running, or waiting for its next attempt.
            case pending
            case deadLettered = "dead_lettered"
            /// A copy meant for another group.
            case skipped
            /// Not yet read by the group.
            case waiting
        }

        public let group: String
        public let status: Status
        /// Deliveries so far: more than one means it was retried or claimed by another replica.
        public let attempts: Int?
        public let consumer: String?
        public let errorCode: String?

        enum CodingKeys: String, CodingKey {
            case group, status, attempts, consumer, errorCode = "error_code"
        }

        /// `handled`, `pending (attempt 2, on api-1)`, `dead_lettered (5 attempts: timeout)`.
        public var summary: String {
            var details: [String] = []
            if let attempts, attempts > 1 || status != .handled {
                details.append(status == .pending ? "attempt \(attempts)" : "\(attempts) attempts")
            }
            if let consumer, status == .pending { details.append("on \(consumer)") }
            let text = details.joined(separator: ", ") + (errorCode.map { (details.isEmpty ? "" : ": ") + $0 } ?? "")
            return status.rawValue + (text.isEmpty ? "" : " (\(text))")
        }
    }

    let redis: RedisClient
    let pageSize = 1000

    public init(redis: RedisClient) {
        self.redis = redis
    }

    /// The chain of `id`, an event id or a correlation id; empty when no stream holds it. Reads every
    /// topic stream whole, a page at a time: a tool for finding out, not for a request path.
    public func steps(of id: String) async throws -> [Step] {
        let streams = try await BusAdmin(redis: redis).topicStreams()
        // One pass finds a correlation id's chain, or the event whose chain a second pass reads.
        let found = try await entries(in: streams) { entry, text in
            entry.correlationID == id || (text.contains(id) && (try? entry.envelope().id) == id)
        }
        let chain = found.filter { $0.correlationID == id }
        if !chain.isEmpty { return try await outcomes(of: chain) }
        guard let correlationID = found.first?.correlationID else { return try await outcomes(of: found) }
        return try await outcomes(of: try await entries(in: streams) { entry, _ in entry.correlationID == correlationID })
    }

    private func entries(in streams: [String], where belongs: (StreamEntry, String) -> Bool) async throws -> [StreamEntry] {
        var found: [StreamEntry] = []
        for stream in streams {
            var start = "-"
            while true {
                let page = StreamEntry.parseEntries(try await redis.send("XRANGE", stream, start, "+", "COUNT", String(pageSize)),
                                                    stream: stream)
                found += page.filter { entry in belongs(entry, entry.fields?[StreamEntry.envelopeField] ?? "") }
                guard page.count == pageSize, let last = page.last else { break }
                start = "(" + last.id
            }
        }
        return found.sorted { BusAdmin.compare($0.id, $1.id) < 0 }
    }

    private func outcomes(of entries: [StreamEntry]) async throws -> [Step] {
        var groupsOf: [String: [[String: RedisValue]]] = [:]
        var letters: [String: [String: DeadLetters.Letter]] = [:]
        var steps: [Step] = []
        for entry in entries {
            guard let envelope = try? entry.envelope() else { continue }
            if groupsOf[entry.stream] == nil {
                groupsOf[entry.stream] = (try await redis.send("XINFO", "GROUPS", entry.stream).array ?? []).map(RedisValue.fields)
            }
            var outcomes: [GroupOutcome] = []
            for group in groupsOf[entry.stream] ?? [] {
                guard let name = group["name"]?.string else { continue }
                if letters[name] == nil { letters[name] = try await deadLetters(of: name) }
                outcomes.append(try await outcome(of: entry, group: name, lastDelivered: group["last-delivered-id"]?.string ?? "0-0",
                                                  letter: letters[name]?[entry.stream + " " + entry.id]))
            }
            steps.append(Step(
                stream: entry.stream, entryID: entry.id, time: Self.time(of: entry.id), eventID: envelope.id,
                detailType: envelope.detailType, source: envelope.source, correlationID: entry.correlationID ?? envelope.id,
                traceID: entry.fields?[TraceFields.names[0]].flatMap(Self.traceID), onlyGroup: entry.onlyGroup,
                groups: outcomes.sorted { $0.group < $1.group }))
        }
        return steps
    }

    private func outcome(of entry: StreamEntry, group: String, lastDelivered: String, letter: DeadLetters.Letter?) async throws
        -> GroupOutcome
    {
        if let letter {
            return GroupOutcome(group: group, status: .deadLettered, attempts: letter.attempts, consumer: letter.fields["consumer"],
                                errorCode: letter.errorCode)
        }
        if let onlyGroup = entry.onlyGroup, onlyGroup != group {
            return GroupOutcome(group: group, status: .skipped, attempts: nil, consumer: nil, errorCode: nil)
        }
        if BusAdmin.compare(entry.id, lastDelivered) > 0 {
            return GroupOutcome(group: group, status: .waiting, attempts: nil, consumer: nil, errorCode: nil)
        }
        let pending = try await redis.send("XPENDING", entry.stream, group, entry.id, entry.id, "1").array?.first?.array
        if let pending, pending.count == 4 {
            return GroupOutcome(group: group, status: .pending, attempts: pending[3].integer.map { Int($0) },
                                consumer: pending[1].string, errorCode: nil)
        }
        let failed = try await redis.send("GET", FailedAttempts.key(group: group, stream: entry.stream, entryID: entry.id)).string
        let failures = failed.flatMap { Int($0) }.map { min(max($0, 0), Int.max - 1) } ?? 0
        return GroupOutcome(group: group, status: .handled, attempts: failures + 1, consumer: nil, errorCode: nil)
    }

    /// The group's dead letters by `stream entry-id`.
    private func deadLetters(of group: String) async throws -> [String: DeadLetters.Letter] {
        var byEntry: [String: DeadLetters.Letter] = [:]
        let queue = DeadLetters(redis: redis, group: group)
        var offset = 0
        while true {
            let page = try await queue.list(count: pageSize, offset: offset)
            for letter in page {
                if let stream = letter.sourceStream, let entryID = letter.fields["entry_id"] { byEntry[stream + " " + entryID] = letter }
            }
            guard page.count == pageSize else { return byEntry }
            offset += pageSize
        }
    }

    /// An entry id's milliseconds: when Redis added it.
    static func time(of entryID: String) -> String {
        let milliseconds = entryID.split(separator: "-").first.flatMap { Int64($0) } ?? 0
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(timeFormat)
    }

    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// The trace id of a `traceparent` (`00-<32 hex>-<16 hex>-<2 hex>`).
    static func traceID(_ traceparent: String) -> String? {
        let parts = traceparent.split(separator: "-")
        guard parts.count == 4, parts[1].count == 32, parts[1].allSatisfy(\.isHexDigit) else { return nil }
        return String(parts[1])
    }
}

/// How many attempts at an entry a group has seen fail, kept while the stream keeps the entry, so that
/// `kinexus trace` can tell an event handled at once from one handled after retries.
enum FailedAttempts {
    static func key(group: String, stream: String, entryID: String) -> String {
        "kinexus:failed:\(group):\(stream):\(entryID)"
    }
}
