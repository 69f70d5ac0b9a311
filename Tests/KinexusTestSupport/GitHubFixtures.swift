import Foundation
import KinexusJSON

/// GitHub's own webhook payloads in `Tests/Fixtures/github-webhooks/`, and the cases derived from them by
/// changing fields as GitHub documents them.
public enum GitHubFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/github-webhooks").standardizedFileURL

    public static let review = "pull_request_review.submitted.json"
    public static let lineComment = "pull_request_review_comment.created.json"
    public static let comment = "issue_comment.created.json"

    public static func load(_ name: String) throws -> JSONValue {
        try JSONValue(parsing: Array(try Data(contentsOf: directory.appendingPathComponent(name))))
    }

    /// `json` with the value at `path` replaced (or added), every object on the way kept.
    public static func setting(_ path: [String], to value: JSONValue, in json: JSONValue) -> JSONValue {
        guard let key = path.first else { return value }
        guard case .object(var fields) = json else { return json }
        fields[key] = setting(Array(path.dropFirst()), to: value, in: fields[key] ?? .object([:]))
        return .object(fields)
    }

    /// `json` with each path's value replaced.
    public static func setting(_ changes: [([String], JSONValue)], in json: JSONValue) -> JSONValue {
        changes.reduce(json) { setting($1.0, to: $1.1, in: $0) }
    }
}
