import Foundation
import KinexusJSON

/// A comment webhook as Jira Server and Data Center send it: the comment alone, without its issue, which
/// only the comment's REST address names: `…/rest/api/2/issue/10040/comment/10019`.
public struct JiraCommentWebhook: Sendable {
    public let event: String
    public let comment: JiraWebhook.Comment
    public let commentID: String
    /// The comment's `self`: where Jira serves it.
    public let address: String

    /// Nil when the body is not a comment event without an issue; a comment event without a comment is refused.
    public init?(json: JSONValue) throws(InvalidWebhook) {
        guard case .string(let event)? = json["webhookEvent"], event.hasPrefix("comment_"), json["issue"] == nil else {
            return nil
        }
        guard let comment = json["comment"], case .object = comment, case .string(let address)? = comment["self"] else {
            throw InvalidWebhook(problem: "'comment.self' is missing: a comment webhook without an issue must say where the comment is")
        }
        self.event = event
        self.comment = JiraWebhook.comment(comment)
        commentID = comment["id"]?.stringValue ?? ""
        self.address = address
    }

    /// The issue's numeric id and the REST API version the address uses, when the address lies under `baseURL`.
    public func issue(under baseURL: String) -> (apiVersion: String, id: String)? {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        guard address.hasPrefix(base + "/rest/api/") else { return nil }
        let parts = address.dropFirst(base.count + "/rest/api/".count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, ["2", "3", "latest"].contains(parts[0]), parts[1] == "issue", parts[3] == "comment",
              (1...18).contains(parts[2].count), parts[2].allSatisfy(\.isASCII), parts[2].allSatisfy(\.isNumber)
        else { return nil }
        return (String(parts[0]), String(parts[2]))
    }
}
