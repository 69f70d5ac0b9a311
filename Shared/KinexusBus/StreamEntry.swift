import KinexusEvents
import KinexusRedis

/// One entry of a topic stream: the envelope beside the fields that travel with it.
public struct StreamEntry: Sendable, Equatable {
    public static let envelopeField = "envelope"
    public static let correlationField = "correlation_id"
    /// Set on redriven and replayed copies: only this group handles them; every other group acks and skips.
    public static let onlyGroupField = "only_group"

    public let stream: String
    public let id: String
    /// nil when the entry was deleted (trimmed) while pending.
    public let fields: [String: String]?

    public init(stream: String, id: String, fields: [String: String]?) {
        self.stream = stream
        self.id = id
        self.fields = fields
    }

    public var correlationID: String? { fields?[Self.correlationField] }
    public var onlyGroup: String? { fields?[Self.onlyGroupField] }

    public func envelope() throws -> EventEnvelope {
        guard let text = fields?[Self.envelopeField] else {
            throw EventError.malformedEnvelope("stream entry \(id) has no '\(Self.envelopeField)' field")
        }
        return try EventEnvelope.decode(Array(text.utf8))
    }

    /// Parses `[[stream, [[id, [field, value, …] | nil], …]], …]`, the RESP2 reply of XREADGROUP and XREAD.
    public static func parseRead(_ reply: RedisValue) -> [StreamEntry] {
        guard let streams = reply.array else { return [] }
        return streams.flatMap { streamReply -> [StreamEntry] in
            guard let pair = streamReply.array, pair.count == 2, let stream = pair[0].string else { return [] }
            return parseEntries(pair[1], stream: stream)
        }
    }

    /// Parses `[[id, [field, value, …] | nil], …]`, as XRANGE and XCLAIM answer.
    public static func parseEntries(_ reply: RedisValue, stream: String) -> [StreamEntry] {
        guard let entries = reply.array else { return [] }
        return entries.compactMap { entry in
            guard let parts = entry.array, parts.count == 2, let id = parts[0].string else { return nil }
            guard let flat = parts[1].array else { return StreamEntry(stream: stream, id: id, fields: nil) }
            var fields: [String: String] = [:]
            for index in stride(from: 0, to: flat.count - 1, by: 2) {
                if let name = flat[index].string, let value = flat[index + 1].string { fields[name] = value }
            }
            return StreamEntry(stream: stream, id: id, fields: fields)
        }
    }
}
