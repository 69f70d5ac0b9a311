import Foundation
import KinexusEvents
import KinexusJSON

/// Why one PutEvents entry was not published, in EventBridge's error codes.
public struct EntryFailure: Error, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String

    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    static func invalid(_ parameter: String, _ reason: String) -> EntryFailure {
        EntryFailure("InvalidArgument", "Parameter \(parameter) is not valid. Reason: \(reason)")
    }

    public var description: String { "\(code): \(message)" }
}

/// One entry of PutEvents (`Source`, `DetailType`, `Detail` as a JSON string, `Resources`, `Time`,
/// `EventBusName`, `TraceHeader`) made into Kinexus's envelope, or the reason it is refused. Whatever way an
/// event comes in, a detail of a catalog type must decode as that type, or every consumer would choke on it.
public enum PutEventsEntry {
    /// EventBridge's limits: entries per request, and the sum of their sizes.
    public static let maximumEntries = 10
    public static let maximumTotalSize = 256 * 1024

    /// The request's entries, or the refusal of the whole request (none, more than ten, over 256 KB).
    public static func entries(of request: JSONValue) throws(AWSRefusal) -> [JSONValue] {
        guard case .object(let fields) = request, case .array(let entries)? = fields["Entries"] else {
            throw .validation("1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null")
        }
        guard !entries.isEmpty else {
            throw .validation("1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: "
                + "Member must have length greater than or equal to 1")
        }
        guard entries.count <= maximumEntries else {
            throw .validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: "
                + "Member must have length less than or equal to \(maximumEntries)")
        }
        guard entries.reduce(0, { $0 + size(of: $1) }) <= maximumTotalSize else {
            throw .validation("Total size of the entries in the request is over the limit.")
        }
        return entries
    }

    /// An entry's size as EventBridge counts it: the UTF-8 bytes of its source, detail-type, detail and
    /// resources, and 14 for a time.
    public static func size(of entry: JSONValue) -> Int {
        guard case .object(let fields) = entry else { return 0 }
        var size = fields["Time"] == nil ? 0 : 14
        for name in ["Source", "DetailType", "Detail"] {
            switch fields[name] {
            case .string(let text)?: size += text.utf8.count
            case let value?: size += value.bytes.count
            case nil: break
            }
        }
        if case .array(let resources)? = fields["Resources"] {
            for case .string(let resource) in resources { size += resource.utf8.count }
        }
        return size
    }

    /// The envelope `entry` becomes on `bus`, stamped `now` unless it names its own time.
    public static func envelope(of entry: JSONValue, on bus: EventBus, now: Date = Date()) -> Result<EventEnvelope, EntryFailure> {
        Result { () throws(EntryFailure) in try read(entry, bus: bus, now: now) }
    }

    private static func read(_ entry: JSONValue, bus: EventBus, now: Date) throws(EntryFailure) -> EventEnvelope {
        guard case .object(let fields) = entry else { throw .invalid("Entry", "an entry must be a JSON object.") }
        if let path = entry.pathOfNUL { throw .invalid(String(path.prefix(200)), "it holds a NUL character (\\u0000), which no consumer can store.") }
        func text(_ name: String) throws(EntryFailure) -> String? {
            switch fields[name] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            default: throw .invalid(name, "\(name) must be a string.")
            }
        }
        guard let source = try text("Source"), !source.isEmpty else { throw .invalid("Source", "Source is a required argument.") }
        guard let detailType = try text("DetailType"), !detailType.isEmpty else {
            throw .invalid("DetailType", "DetailType is a required argument.")
        }
        guard bus.isNamed(try text("EventBusName")) else {
            throw EntryFailure("InvalidArgument", "Event bus \(try text("EventBusName") ?? "") does not exist.")
        }
        guard !source.hasPrefix("aws.") else { throw EntryFailure("NotAuthorizedForSourceException", "Not authorized for the source.") }
        guard !source.contains(":"), source.utf8.count <= 256 else {
            throw .invalid("Source", "a source is at most 256 bytes without ':' (Kinexus names a stream by source and detail-type).")
        }
        guard !detailType.contains(":"), detailType.utf8.count <= 128 else {
            throw .invalid("DetailType", "a detail-type is at most 128 bytes without ':'.")
        }
        let detail = try readDetail(fields["Detail"])
        let envelope = EventEnvelope(
            detailType: detailType, source: source, account: bus.account, time: try readTime(fields["Time"]) ?? now,
            region: bus.region, resources: try readResources(fields["Resources"]), detail: detail)
        if let type = EventCatalog.detailTypes.first(where: { $0.detailType == detailType }) {
            do {
                _ = try JSONDecoder().decode(type, from: Data(detail.bytes))
            } catch {
                throw .invalid("Detail", "not a valid \(detailType): \(describeDecodingProblem(error))")
            }
        }
        do {
            _ = try envelope.encoded()
        } catch {
            throw .invalid("Detail", "\(error)")
        }
        return envelope
    }

    /// A JSON object, written as a string as the API has it; an object itself is taken as well.
    private static func readDetail(_ value: JSONValue?) throws(EntryFailure) -> JSONValue {
        switch value {
        case nil, .null?: throw .invalid("Detail", "Detail is a required argument.")
        case .string(let text)?:
            guard let detail = try? JSONValue(parsing: text), case .object = detail else {
                throw EntryFailure("MalformedDetail", "Detail is malformed.")
            }
            return detail
        case .object?: return value ?? .null
        default: throw EntryFailure("MalformedDetail", "Detail is malformed.")
        }
    }

    private static func readResources(_ value: JSONValue?) throws(EntryFailure) -> [String] {
        switch value {
        case nil, .null?: return []
        case .array(let values)?:
            return try values.map { value throws(EntryFailure) in
                guard case .string(let resource) = value else { throw .invalid("Resources", "every resource must be a string.") }
                return resource
            }
        default: throw .invalid("Resources", "Resources must be a list of strings.")
        }
    }

    /// Seconds since 1970, as the SDKs send a timestamp, or RFC 3339 text; up to the year 9999.
    private static func readTime(_ value: JSONValue?) throws(EntryFailure) -> Date? {
        switch value {
        case nil, .null?: return nil
        case .number(let seconds)?:
            guard (0...253_402_300_799).contains(seconds) else { throw .invalid("Time", "the time is out of range.") }
            return Date(timeIntervalSince1970: seconds)
        case .string(let text)?:
            guard let time = EventEnvelope.parseTime(text), (0...253_402_300_799).contains(time.timeIntervalSince1970) else {
                throw .invalid("Time", "'\(text.prefix(40))' is not an RFC 3339 time.")
            }
            return time
        default: throw .invalid("Time", "the time must be a timestamp.")
        }
    }
}
