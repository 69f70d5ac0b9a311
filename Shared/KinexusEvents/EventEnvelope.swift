import Foundation

/// EventBridge's event envelope, field for field. `detail` stays a JSON tree so that any consumer, the
/// pattern matcher and the CLI can read every event; handlers decode it into their catalog type.
public struct EventEnvelope: Sendable, Equatable, Codable {
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
    public var detail: JSONValue

    public init(
        id: String = UUID().uuidString.lowercased(), detailType: String, source: String, account: String,
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

    /// The detail as its catalog type.
    public func decodeDetail<Detail: EventDetail>(as type: Detail.Type = Detail.self) throws -> Detail {
        guard detailType == Detail.detailType else {
            throw EventError.wrongDetailType(expected: Detail.detailType, actual: detailType)
        }
        return try detail.decode(as: type)
    }

    /// The serialized envelope, refusing one over `maximumSize`.
    public func encoded() throws -> Data {
        let data = try Self.encoder.encode(self)
        guard data.count <= Self.maximumSize else {
            throw EventError.tooLarge(detailType: detailType, size: data.count, limit: Self.maximumSize)
        }
        return data
    }

    public static func decode(_ data: some DataProtocol) throws -> EventEnvelope {
        do {
            return try decoder.decode(EventEnvelope.self, from: Data(data))
        } catch {
            throw EventError.malformedEnvelope(describeDecodingProblem(error))
        }
    }

    /// The envelope as a JSON tree, as patterns see it.
    public var json: JSONValue {
        .object([
            "version": .string(version), "id": .string(id), "detail-type": .string(detailType),
            "source": .string(source), "account": .string(account), "time": .string(Self.format(time)),
            "region": .string(region), "resources": .array(resources.map(JSONValue.string)), "detail": detail,
        ])
    }

    enum CodingKeys: String, CodingKey {
        case version, id, detailType = "detail-type", source, account, time, region, resources, detail
    }

    public static func format(_ time: Date) -> String {
        time.formatted(.iso8601)
    }

    public static func parseTime(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: false).parse(text))
            ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(format(date))
        }
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseTime(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "time '\(text)' is not ISO-8601 UTC")
            }
            return date
        }
        return decoder
    }()
}
