import ChangeIntake
import KinexusJSON
import Logging
import OutboundHTTP

/// Jira Cloud REST v3: the review tickets, their labels and comments.
public struct JiraClient: Sendable {
    public struct Comment: Sendable, Equatable {
        public let id: String
        public let authorAccountID: String
        public let text: String
    }

    let requests: JSONRequests
    let baseURL: String
    public let projectKey: String

    public init(settings: AtlassianSettings.Jira, http: RetryingHTTPClient) {
        requests = JSONRequests(http: http, baseURL: settings.baseURL, service: "Jira", email: settings.email, apiToken: settings.apiToken)
        baseURL = settings.baseURL
        projectKey = settings.projectKey
    }

    /// The key of the issue a comment webhook without its issue is about, asked of this Jira in the REST API
    /// version the comment's address uses; nil for an address elsewhere or an issue Jira does not know.
    public func issueKey(of comment: JiraCommentWebhook) async throws -> String? {
        guard let issue = comment.issue(under: baseURL) else { return nil }
        let (status, json) = try await requests.send("GET", "/rest/api/\(issue.apiVersion)/issue/\(issue.id)?fields=key",
                                                     accepting: [200, 404])
        return status == 200 ? json["key"]?.stringValue : nil
    }

    /// Creates an issue in the configured project and answers its key.
    public func createIssue(type: String, summary: String, description: JSONValue, labels: [String]) async throws -> String {
        let fields: JSONValue = [
            "project": ["key": .string(projectKey)],
            "issuetype": ["name": .string(type)],
            // Jira refuses summaries over 255 characters.
            "summary": .string(String(summary.prefix(255))),
            "description": description,
            "labels": .array(labels.map(JSONValue.string)),
        ]
        let (_, created) = try await requests.send("POST", "/rest/api/3/issue", body: ["fields": fields], accepting: [201])
        guard let key = created["key"]?.stringValue else {
            throw UnexpectedAnswer(service: "Jira", problem: "the created issue has no key")
        }
        return key
    }

    public func addLabels(_ labels: [String], to issueKey: String) async throws {
        let operations: [JSONValue] = labels.map { ["add": .string($0)] }
        _ = try await requests.send("PUT", "/rest/api/3/issue/\(percentEncoded(issueKey))",
                                    body: ["update": ["labels": .array(operations)]], accepting: [204])
    }

    public func addComment(_ body: JSONValue, to issueKey: String) async throws {
        _ = try await requests.send("POST", "/rest/api/3/issue/\(percentEncoded(issueKey))/comment", body: ["body": body],
                                    accepting: [201])
    }

    /// Every comment on the issue, oldest first, read a page at a time.
    public func comments(of issueKey: String) async throws -> [Comment] {
        var comments: [Comment] = []
        while true {
            let (_, page) = try await requests.send(
                "GET", "/rest/api/3/issue/\(percentEncoded(issueKey))/comment?startAt=\(comments.count)&maxResults=100&orderBy=created",
                accepting: [200])
            let batch = page["comments"]?.arrayValue ?? []
            comments += batch.map { comment in
                Comment(id: comment["id"]?.stringValue ?? "",
                        authorAccountID: comment["author"]?["accountId"]?.stringValue ?? "",
                        text: ADFText.text(ofBody: comment["body"]))
            }
            guard !batch.isEmpty, let total = page["total"]?.intValue, comments.count < total else { return comments }
        }
    }
}
