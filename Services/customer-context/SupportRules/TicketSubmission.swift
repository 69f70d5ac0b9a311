import Foundation
import KinexusEvents
import KinexusJSON

/// A support ticket as `POST /tickets` accepts it, every field checked, with the field at fault named.
public struct TicketSubmission: Sendable, Equatable {
    public static let priorities = ["low", "medium", "high", "urgent"]

    public var ticketID: String
    public var externalTicketID: String?
    public var customerExternalID: String
    public var subject: String
    public var description: String
    public var channel: String
    public var priority: String
    public var metadata: [String: String]
    public var createdAt: Date

    public init(
        ticketID: String, externalTicketID: String?, customerExternalID: String, subject: String, description: String,
        channel: String, priority: String, metadata: [String: String], createdAt: Date
    ) {
        self.ticketID = ticketID
        self.externalTicketID = externalTicketID
        self.customerExternalID = customerExternalID
        self.subject = subject
        self.description = description
        self.channel = channel
        self.priority = priority
        self.metadata = metadata
        self.createdAt = createdAt
    }

    /// The ticket as TicketReceived carries it.
    public var received: TicketReceived {
        TicketReceived(ticketID: ticketID, externalTicketID: externalTicketID, customerExternalID: customerExternalID,
                       subject: subject, description: description, channel: channel, priority: priority, metadata: metadata,
                       createdAt: UTCTimestamp.format(createdAt))
    }

    public struct InvalidField: Error, Equatable, CustomStringConvertible {
        public let field: String
        public let problem: String

        public init(field: String, problem: String) {
            self.field = field
            self.problem = problem
        }

        public var description: String { "'\(field)' \(problem)" }
    }

    /// Reads the body; `ticket_id` defaults to `newID()`, `created_at` to `now`, `priority` to medium,
    /// `channel` to api.
    public static func parse(_ body: JSONValue, now: Date, newID: () -> String) -> Result<TicketSubmission, InvalidField> {
        do {
            return .success(try read(body, now: now, newID: newID))
        } catch let invalid as InvalidField {
            return .failure(invalid)
        } catch {
            return .failure(InvalidField(field: "body", problem: "\(error)"))
        }
    }

    private static func read(_ body: JSONValue, now: Date, newID: () -> String) throws -> TicketSubmission {
        guard case .object(let fields) = body else { throw InvalidField(field: "body", problem: "must be a JSON object") }
        func text(_ name: String, required: Bool, longest: Int) throws -> String? {
            switch fields[name] {
            case nil, .null?:
                if required { throw InvalidField(field: name, problem: "is required") }
                return nil
            case .string(let value)?:
                let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
                if required && trimmed.isEmpty { throw InvalidField(field: name, problem: "is empty") }
                guard value.count <= longest else { throw InvalidField(field: name, problem: "is longer than \(longest) characters") }
                return trimmed
            default:
                throw InvalidField(field: name, problem: "must be a string")
            }
        }
        let ticketID = try text("ticket_id", required: false, longest: 128) ?? newID()
        guard !ticketID.isEmpty, ticketID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._:-".contains($0)) }) else {
            throw InvalidField(field: "ticket_id", problem: "may hold only letters, digits and . _ : -")
        }
        let channel = try text("channel", required: false, longest: 32)?.lowercased() ?? "api"
        guard !channel.isEmpty, channel.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-".contains($0)) }) else {
            throw InvalidField(field: "channel", problem: "must be one word, such as email, chat, phone or web")
        }
        let priority = try text("priority", required: false, longest: 16)?.lowercased() ?? "medium"
        guard priorities.contains(priority) else {
            throw InvalidField(field: "priority", problem: "must be one of \(priorities.joined(separator: ", "))")
        }
        return TicketSubmission(
            ticketID: ticketID,
            externalTicketID: try text("external_ticket_id", required: false, longest: 256),
            customerExternalID: try text("customer_external_id", required: true, longest: 256) ?? "",
            subject: try text("subject", required: true, longest: 500) ?? "",
            description: try text("description", required: false, longest: 50_000) ?? "",
            channel: channel, priority: priority, metadata: try metadata(fields["metadata"]),
            createdAt: try createdAt(fields["created_at"], now: now))
    }

    private static func metadata(_ value: JSONValue?) throws -> [String: String] {
        switch value {
        case nil, .null?: return [:]
        case .object(let entries)?:
            guard entries.count <= 100 else { throw InvalidField(field: "metadata", problem: "has more than 100 keys") }
            return try entries.mapValues { entry in
                guard let text = metadataText(entry) else {
                    throw InvalidField(field: "metadata", problem: "values must be strings, numbers or booleans")
                }
                return text
            }
        default:
            throw InvalidField(field: "metadata", problem: "must be an object")
        }
    }

    /// An ISO 8601 time that says its time zone (`Z` or an offset): a time without one is ambiguous.
    private static func createdAt(_ value: JSONValue?, now: Date) throws -> Date {
        switch value {
        case nil, .null?: return now
        case .string(let text)?:
            guard let date = Timestamps.parse(text) else {
                throw InvalidField(field: "created_at", problem: "must be an ISO 8601 time with a time zone, such as 2026-11-22T10:00:00Z")
            }
            return date
        default:
            throw InvalidField(field: "created_at", problem: "must be a string")
        }
    }
}

/// A metadata value as text: a string as it is, a whole number without a fraction, a boolean as
/// true or false; nil for anything else.
public func metadataText(_ value: JSONValue) -> String? {
    switch value {
    case .string(let text): text
    case .number(let number): number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    case .bool(let flag): String(flag)
    default: nil
    }
}

/// ISO 8601 times with a zone, with or without fractions of a second.
public enum Timestamps {
    public static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
