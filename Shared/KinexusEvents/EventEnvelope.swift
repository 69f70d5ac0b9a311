import Foundation
import KinexusJSON

/// EventBridge's event envelope, field for field. `detail` stays a JSON tree so that any consumer, the
/// pattern matcher and the CLI can read every event; handlers decode it into their catalog type.
public struct EventEnvelope: Sendable, Equatable {
    /// The most an event may weigh serialized, as on EventBridge; larger content lives in Postgres.
    public static let maximumSize = 256 * 1024

    public var version: String
    public var id: String
    public var detailType: String
    public var source: String
    public var account: String
    public var time: Date
    public var region: String
    public var resources: [String]
    public var detail: JSONValue {
        didSet { detailBytes = nil }
    }
    /// The detail's bytes as they were read from a stream, from which its catalog type is decoded.
    private var detailBytes: ArraySlice<UInt8>?

    public init(
        id: String = EventID.random(), detailType: String, source: String, account: String,
        time: Date = Date(), region: String, resources: [String] = [], detail: JSONValue
    ) {
        version = "0"
        self.id = id
        self.detailType = detailType
        self.source = source
        self.account = account
        // EventBridge times have whole seconds; keeping the same makes an encode/decode round trip exact.
        self.time = Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down))
        self.region = region
        self.resources = resources
        self.detail = detail
    }

    public var topic: Topic { Topic(source: source, detailType: detailType) }

    /// The detail as its catalog type, decoded from the bytes it was read from (written out only for an
    /// envelope made in this process).
    public func decodeDetail<Detail: EventDetail>(as type: Detail.Type = Detail.self) throws -> Detail {
        guard detailType == Detail.detailType else {
            throw EventError.wrongDetailType(expected: Detail.detailType, actual: detailType)
        }
        return try JSONDecoder().decode(type, from: Data(detailBytes ?? detail.bytes[...]))
    }

    /// Equal envelopes carry equal fields, however their detail was read.
    public static func == (left: EventEnvelope, right: EventEnvelope) -> Bool {
        (left.version, left.id, left.detailType, left.source, left.account, left.region)
            == (right.version, right.id, right.detailType, right.source, right.account, right.region)
            && left.time == right.time && left.resources == right.resources && left.detail == right.detail
    }

    /// The serialized envelope, its fields in EventBridge's order, refusing one over `maximumSize` or one
    /// with a NUL character in its detail.
    public func encoded() throws -> [UInt8] {
        if let path = detail.pathOfNUL { throw EventError.nulCharacter(path: "detail.\(path)") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        func field(_ name: String, _ write: (inout [UInt8]) -> Void) {
            bytes.append(bytes.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
            JSONWriter.writeString(name, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            write(&bytes)
        }
        for (name, value) in [("version", version), ("id", id), ("detail-type", detailType), ("source", source),
                              ("account", account), ("time", Self.format(time)), ("region", region)] {
            field(name) { JSONWriter.writeString(value, into: &$0) }
        }
        field("resources") { JSONWriter.write(.array(resources.map(JSONValue.string)), into: &$0) }
        field("detail") { JSONWriter.write(detail, into: &$0) }
        bytes.append(UInt8(ascii: "}"))
        guard bytes.count <= Self.maximumSize else {
            throw EventError.tooLarge(detailType: detailType, size: bytes.count, limit: Self.maximumSize)
        }
        return bytes
    }

    public static func decode(_ bytes: some Sequence<UInt8>) throws -> EventEnvelope {
        let bytes = Array(bytes)
        let parsed: (value: JSONValue, fieldBytes: Range<Int>?)
        do {
            parsed = try JSONValue.parse(bytes, keepingBytesOf: "detail")
        } catch {
            throw EventError.malformedEnvelope("\(error)")
        }
        var envelope = try EventEnvelope(json: parsed.value)
        envelope.detailBytes = parsed.fieldBytes.map { bytes[$0] }
        return envelope
    }

    /// Reads an envelope from its JSON tree, naming the first field that is missing or of the wrong type.
    public init(json: JSONValue) throws {
        guard case .object(let fields) = json else { throw EventError.malformedEnvelope("not a JSON object") }
        func string(_ name: String) throws -> String {
            guard case .string(let value)? = fields[name] else {
                throw EventError.malformedEnvelope("'\(name)' must be a string")
            }
            return value
        }
        let timeText = try string("time")
        guard let time = Self.parseTime(timeText) else {
            throw EventError.malformedEnvelope("'time' is '\(timeText)', not ISO-8601 UTC")
        }
        guard let detail = fields["detail"], case .object = detail else {
            throw EventError.malformedEnvelope("'detail' must be an object")
        }
        if let path = detail.pathOfNUL { throw EventError.nulCharacter(path: "detail.\(path)") }
        var resources: [String] = []
        if case .array(let values)? = fields["resources"] {
            resources = try values.map { value in
                guard case .string(let resource) = value else {
                    throw EventError.malformedEnvelope("'resources' must hold strings")
                }
                return resource
            }
        }
        self.init(id: try string("id"), detailType: try string("detail-type"), source: try string("source"),
                  account: try string("account"), time: time, region: try string("region"), resources: resources,
                  detail: detail)
        version = try string("version")
    }

    /// The envelope as a JSON tree, as patterns see it.
    public var json: JSONValue {
        .object([
            "version": .string(version), "id": .string(id), "detail-type": .string(detailType),
            "source": .string(source), "account": .string(account), "time": .string(Self.format(time)),
            "region": .string(region), "resources": .array(resources.map(JSONValue.string)), "detail": detail,
        ])
    }

    public static func format(_ time: Date) -> String {
        UTCTimestamp.format(time)
    }

    public static func parseTime(_ text: String) -> Date? {
        UTCTimestamp.parse(text)
            ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: false).parse(text))
            ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
    }
}
