import Foundation
import KinexusJSON

/// A Jira Cloud webhook delivery, read from its JSON: the event name, the issue as it is now, and what
/// this update changed. Anything that is not a Jira webhook is refused with the field at fault named.
public struct JiraWebhook: Sendable {
    public struct Change: Sendable, Equatable {
        public let field: String
        public let from: String?
        public let to: String?
    }

    public struct Comment: Sendable, Equatable {
        public let author: String
        public let body: String
    }

    public let event: String
    /// When Jira sent it; the age rule measures tickets against it.
    public let timestamp: Date
    public let issueKey: String
    public let issueType: String
    public let status: String
    public let summary: String
    public let description: String
    public let priority: String?
    public let labels: [String]
    public let components: [String]
    public let fixVersions: [String]
    public let resolution: String?
    public let created: Date?
    public let changes: [Change]
    /// From 1970 to the end of 9999, in milliseconds: every date rule can subtract and divide these.
    static let timestamps: ClosedRange<Double> = 0...253_402_300_799_999

    /// The issue's comments, oldest first, and the comment this delivery is about, if any.
    public let comments: [Comment]
    public let comment: Comment?
    /// Every field of the issue, for custom fields such as story points.
    public let fields: [String: JSONValue]
    public let issueURL: String?
    /// Who caused the event: the account id of the webhook's `user`, when Jira sends one.
    public let actor: String?

    public init(json: JSONValue) throws(InvalidWebhook) {
        guard case .object = json else { throw InvalidWebhook(problem: "the body is not a JSON object") }
        guard case .string(let event)? = json["webhookEvent"] else {
            throw InvalidWebhook(problem: "'webhookEvent' is missing: this is not a Jira webhook")
        }
        guard case .object(let issue)? = json["issue"] else { throw InvalidWebhook(problem: "'issue' is missing") }
        guard case .string(let key)? = issue["key"], !key.isEmpty else { throw InvalidWebhook(problem: "'issue.key' is missing") }
        guard case .object(let fields)? = issue["fields"] else { throw InvalidWebhook(problem: "'issue.fields' is missing") }
        guard case .string(let summary)? = fields["summary"] else {
            throw InvalidWebhook(problem: "'issue.fields.summary' is missing")
        }
        self.event = event
        switch json["timestamp"] {
        case .number(let milliseconds)?:
            guard Self.timestamps.contains(milliseconds) else {
                throw InvalidWebhook(problem: "'timestamp' must be milliseconds since 1970, up to the year 9999")
            }
            timestamp = Date(timeIntervalSince1970: milliseconds / 1000)
        case nil, .null?:
            timestamp = Date()
        case _?:
            throw InvalidWebhook(problem: "'timestamp' must be a number of milliseconds")
        }
        issueKey = key
        issueType = fields["issuetype"]?["name"]?.stringValue ?? ""
        status = fields["status"]?["name"]?.stringValue ?? ""
        self.summary = summary
        description = ADFText.text(ofBody: fields["description"])
        priority = fields["priority"]?["name"]?.stringValue
        labels = Self.strings(fields["labels"])
        components = Self.names(fields["components"])
        fixVersions = Self.names(fields["fixVersions"])
        resolution = fields["resolution"]?["name"]?.stringValue
        created = fields["created"]?.stringValue.flatMap(JiraTime.parse)
        changes = Self.elements(json["changelog"]?["items"]).map { item in
            Change(field: item["field"]?.stringValue ?? "", from: item["fromString"]?.stringValue,
                   to: item["toString"]?.stringValue)
        }
        comments = Self.elements(fields["comment"]?["comments"]).map(Self.comment)
        comment = json["comment"].map(Self.comment)
        self.fields = fields
        issueURL = issue["self"]?.stringValue
        actor = json["user"]?["accountId"]?.stringValue ?? json["user"]?["name"]?.stringValue
    }

    /// The status transition of this update, if it made one.
    public var statusChange: Change? {
        changes.last { $0.field.lowercased() == "status" }
    }

    public func number(field id: String) -> Double? {
        if case .number(let value)? = fields[id] { return value }
        return nil
    }

    private static func elements(_ value: JSONValue?) -> [JSONValue] {
        if case .array(let values)? = value { return values }
        return []
    }

    private static func strings(_ value: JSONValue?) -> [String] {
        elements(value).compactMap(\.stringValue)
    }

    private static func names(_ value: JSONValue?) -> [String] {
        elements(value).compactMap { $0["name"]?.stringValue }
    }

    static func comment(_ value: JSONValue) -> Comment {
        let author = value["author"]
        return Comment(
            author: author?["accountId"]?.stringValue ?? author?["name"]?.stringValue ?? "",
            body: ADFText.text(ofBody: value["body"]))
    }
}

/// A body that is JSON but not the webhook it claims to be, with the field at fault named.
public struct InvalidWebhook: Error, Equatable, CustomStringConvertible {
    public let problem: String
    public var description: String { problem }

    public init(problem: String) {
        self.problem = problem
    }
}

/// Jira's timestamps: `2019-02-15T19:01:52.971-0800`.
enum JiraTime {
    static func parse(_ text: String) -> Date? {
        for separator in [Date.ISO8601FormatStyle.TimeZoneSeparator.omitted, .colon] {
            for fractional in [true, false] {
                let style = Date.ISO8601FormatStyle(timeZoneSeparator: separator, includingFractionalSeconds: fractional)
                if let date = try? style.parse(text) { return date }
            }
        }
        return nil
    }
}
