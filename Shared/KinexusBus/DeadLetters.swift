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

    let redis: RedisClient
    public let group: String

    public init(redis: RedisClient, group: String) {
        self.redis = redis
        self.group = group
    }

    public var streamKey: String { Self.streamKey(group: group) }

    /// The commands that move an entry to the dead-letter stream and ack it, atomically.
    static func deadLetter(
        entry: StreamEntry, group: String, consumer: String, errorCode: String, errorMessage: String,
        attempts: Int, eventID: String?, detailType: String?
    ) -> [RedisCommand] {
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
        let add = RedisCommand(["XADD", streamKey(group: group), "*"]
            + fields.sorted(by: { $0.key < $1.key }).flatMap { [$0.key, $0.value] })
        return [RedisCommand("MULTI"), add, RedisCommand("XACK", entry.stream, group, entry.id), RedisCommand("EXEC")]
    }

    /// The newest letters first.
    public func list(count: Int = 100) async throws -> [Letter] {
        let reply = try await redis.send("XREVRANGE", streamKey, "+", "-", "COUNT", String(count))
        return StreamEntry.parseEntries(reply, stream: streamKey).map {
            Letter(id: $0.id, fields: $0.fields ?? [:])
        }
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
            fields[StreamEntry.correlationField] = letter.fields[StreamEntry.correlationField]
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
