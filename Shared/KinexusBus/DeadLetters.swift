import Foundation
import KinexusEvents
import KinexusRedis

/// The dead-letter stream of a group, `kinexus:dlq:<group>`: events whose attempts ran out, with why.
public struct DeadLetters: Sendable {
    public struct Letter: Sendable, Equatable {
        public let id: String
        public let fields: [String: String]

        public var envelopeJSON: String? { fields[StreamEntry.envelopeField] }
        public var errorCode: String? { fields["error_code"] }
        public var errorMessage: String? { fields["error_message"] }
        public var attempts: Int? { fields["attempts"].flatMap { Int($0) } }
        public var sourceStream: String? { fields["stream"] }
        public var eventID: String? { fields["event_id"] }
        public var detailType: String? { fields["detail_type"] }
    }

    public static func streamKey(group: String) -> String { "kinexus:dlq:\(group)" }

    /// Every group that ever dead-lettered an event, added by the same script that moves the letter: the console
    /// lists dead-letter queues from it instead of scanning the keyspace.
    public static let groupsKey = "kinexus:dlq-groups"

    let redis: RedisClient
    public let group: String

    public init(redis: RedisClient, group: String) {
        self.redis = redis
        self.group = group
    }

    public var streamKey: String { Self.streamKey(group: group) }

    /// Adds the letter, then acks the entry, in one script: if the XADD fails, the script stops before the
    /// XACK, so an entry is never acked without its letter. KEYS: letters, source stream. ARGV: group, entry
    /// id, then field names and values.
    static let moveScript = """
        local fields = {}
        for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
        redis.call('XADD', KEYS[1], '*', unpack(fields))
        redis.call('SADD', KEYS[3], ARGV[1])
        return redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
        """

    /// The command that moves an entry to the dead-letter stream and acks it.
    static func deadLetter(
        entry: StreamEntry, group: String, consumer: String, errorCode: String, errorMessage: String,
        attempts: Int, eventID: String?, detailType: String?
    ) -> RedisCommand {
        var fields: [String: String] = entry.fields ?? [:]
        fields.removeValue(forKey: StreamEntry.onlyGroupField)
        fields["error_code"] = errorCode
        fields["error_message"] = errorMessage
        fields["attempts"] = String(attempts)
        fields["stream"] = entry.stream
        fields["entry_id"] = entry.id
        fields["consumer"] = consumer
        fields["failed_at"] = EventEnvelope.format(Date())
        fields["event_id"] = eventID
        fields["detail_type"] = detailType
        return DeliveryScripts.command(
            moveScript, keys: [streamKey(group: group), entry.stream, groupsKey],
            arguments: [group, entry.id] + fields.sorted(by: { $0.key < $1.key }).flatMap { [$0.key, $0.value] })
    }

    /// The newest letters first, `count` of them after skipping `offset`.
    public func list(count: Int = 100, offset: Int = 0) async throws -> [Letter] {
        let reply = try await redis.send("XREVRANGE", streamKey, "+", "-", "COUNT", String(offset + count))
        return StreamEntry.parseEntries(reply, stream: streamKey).dropFirst(offset).map {
            Letter(id: $0.id, fields: $0.fields ?? [:])
        }
    }

    /// Where a page of letters begins: after (older than) or before (newer than) a letter's entry id.
    public enum Position: Sendable {
        case after(String)
        case before(String)
    }

    /// Newest first: `count` letters from `position`, from the newest when nil. Read from the position by range,
    /// so a page deep in a long queue costs what the first does.
    public func page(count: Int, from position: Position?) async throws -> [Letter] {
        let command: RedisCommand = switch position {
        case nil: RedisCommand("XREVRANGE", streamKey, "+", "-", "COUNT", String(count))
        case .after(let id): RedisCommand("XREVRANGE", streamKey, "(" + id, "-", "COUNT", String(count))
        case .before(let id): RedisCommand("XRANGE", streamKey, "(" + id, "+", "COUNT", String(count))
        }
        let letters = StreamEntry.parseEntries(try await redis.send(command), stream: streamKey).map {
            Letter(id: $0.id, fields: $0.fields ?? [:])
        }
        guard case .before = position else { return letters }
        return letters.reversed()
    }

    /// Whether `id` has the form of a stream entry id, `<milliseconds>-<sequence>`.
    public static func isEntryID(_ id: String) -> Bool {
        id.wholeMatch(of: /[0-9]{1,20}-[0-9]{1,20}/) != nil
    }

    public func count() async throws -> Int {
        Int(try await redis.send("XLEN", streamKey).integer ?? 0)
    }

    public func letter(id: String) async throws -> Letter? {
        let reply = try await redis.send("XRANGE", streamKey, id, id)
        return StreamEntry.parseEntries(reply, stream: streamKey).first.map {
            Letter(id: $0.id, fields: $0.fields ?? [:])
        }
    }

    /// Sends letters back to their original streams for this group alone, then removes them from the
    /// dead-letter stream. Other groups see the copy and skip it. Answers the ids redriven.
    @discardableResult
    public func redrive(ids: [String], publisher: EventPublisher) async throws -> [String] {
        var letters: [Letter] = []
        for id in ids {
            guard let letter = try await letter(id: id) else { throw BusError.deadLetterNotFound(group: group, id: id) }
            letters.append(letter)
        }
        let copies = try letters.map { letter -> (stream: String, fields: [String: String]) in
            guard let stream = letter.sourceStream, let envelope = letter.envelopeJSON else {
                throw BusError.deadLetterIncomplete(group: group, id: letter.id)
            }
            var fields = [StreamEntry.envelopeField: envelope, StreamEntry.onlyGroupField: group]
            for name in [StreamEntry.correlationField] + TraceFields.names + TraceFields.names.map({ TraceFields.originPrefix + $0 }) {
                fields[name] = letter.fields[name]
            }
            return (stream, fields)
        }
        _ = try await publisher.republish(copies)
        if !letters.isEmpty {
            try await redis.send(RedisCommand(["XDEL", streamKey] + letters.map(\.id)))
        }
        return letters.map(\.id)
    }

    public func redriveAll(publisher: EventPublisher) async throws -> [String] {
        var redriven: [String] = []
        while true {
            let batch = try await list(count: 100)
            guard !batch.isEmpty else { return redriven }
            redriven += try await redrive(ids: batch.map(\.id), publisher: publisher)
        }
    }
}
