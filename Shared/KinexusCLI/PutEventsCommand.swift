import ArgumentParser
import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON

/// Like `aws events put-events`: one event from options, or many from a file of PutEvents entries.
struct PutEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put-events", abstract: "Publish events by hand; prints their ids.")

    @Option(help: "The event source, such as kinexus.jira.") var source: String?
    @Option(help: "The detail-type, such as ChangeDetected.") var detailType: String?
    @Option(help: "The detail, as a JSON object.") var detail: String?
    @Option(help: "A JSON file with an array of {\"Source\", \"DetailType\", \"Detail\", \"Resources\"} entries.")
    var entries: String?
    @Option(help: "The correlation id to carry; a new one per event when omitted.") var correlationId: String?

    struct Entry: Decodable {
        let source: String
        let detailType: String
        let detail: JSONValue
        let resources: [String]?

        enum CodingKeys: String, CodingKey {
            case source = "Source", detailType = "DetailType", detail = "Detail", resources = "Resources"
        }

        init(source: String, detailType: String, detail: JSONValue, resources: [String]?) {
            self.source = source
            self.detailType = detailType
            self.detail = detail
            self.resources = resources
        }

        /// `Detail` is a JSON string in PutEvents; an object is taken as well.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            source = try container.decode(String.self, forKey: .source)
            detailType = try container.decode(String.self, forKey: .detailType)
            resources = try container.decodeIfPresent([String].self, forKey: .resources)
            let raw = try container.decode(JSONValue.self, forKey: .detail)
            if case .string(let text) = raw {
                detail = try JSONValue(parsing: text)
            } else {
                detail = raw
            }
        }
    }

    struct Output: Encodable {
        struct Result: Encodable {
            let eventID: String
            enum CodingKeys: String, CodingKey { case eventID = "EventId" }
        }

        let failedEntryCount = 0
        let entries: [Result]

        enum CodingKeys: String, CodingKey { case failedEntryCount = "FailedEntryCount", entries = "Entries" }
    }

    func validate() throws {
        if entries == nil, source == nil || detailType == nil || detail == nil {
            throw ValidationError("give --source, --detail-type and --detail, or --entries FILE")
        }
        if entries != nil, source != nil || detailType != nil || detail != nil {
            throw ValidationError("--entries cannot be combined with --source, --detail-type or --detail")
        }
    }

    func run() async throws {
        let events = try readEntries().enumerated().map { index, entry in
            try Self.check(entry, index: index)
            return EventPublisher.Outgoing(
                envelope: EventEnvelope(
                    detailType: entry.detailType, source: entry.source, account: CommandEnvironment.account,
                    region: CommandEnvironment.region, resources: entry.resources ?? [], detail: entry.detail),
                correlationID: correlationId)
        }
        let redis = try CommandEnvironment.redis()
        let publisher = EventPublisher(redis: redis, account: CommandEnvironment.account, region: CommandEnvironment.region)
        _ = try await publisher.publish(events)
        await redis.shutdown()
        try emitJSON(Output(entries: events.map { .init(eventID: $0.envelope.id) }))
    }

    private func readEntries() throws -> [Entry] {
        if let entries {
            guard let data = FileManager.default.contents(atPath: entries) else {
                throw CommandFailure("cannot read \(entries)")
            }
            do {
                return try JSONDecoder().decode([Entry].self, from: data)
            } catch {
                throw CommandFailure("\(entries) is not an array of PutEvents entries: \(describeDecodingProblem(error))")
            }
        }
        guard let detail = try? JSONValue(parsing: detail ?? "") else {
            throw CommandFailure("--detail is not valid JSON")
        }
        return [Entry(source: source ?? "", detailType: detailType ?? "", detail: detail, resources: nil)]
    }

    /// A hand-made event of a catalog type must decode as that type, or every consumer would choke on it.
    static func check(_ entry: Entry, index: Int) throws {
        let place = "entry \(index + 1)"
        guard !entry.source.isEmpty, !entry.source.contains(":") else {
            throw CommandFailure("\(place): the source must be non-empty and contain no ':'")
        }
        guard !entry.detailType.isEmpty else { throw CommandFailure("\(place): the detail-type is empty") }
        guard case .object = entry.detail else { throw CommandFailure("\(place): the detail must be a JSON object") }
        if let type = EventCatalog.detailTypes.first(where: { $0.detailType == entry.detailType }) {
            do {
                _ = try JSONDecoder().decode(type, from: Data(entry.detail.bytes))
            } catch {
                throw CommandFailure("\(place): the detail is not a valid \(entry.detailType): \(describeDecodingProblem(error))")
            }
        }
    }
}
