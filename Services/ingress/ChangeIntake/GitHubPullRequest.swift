import Foundation
import KinexusEvents
import KinexusJSON

/// A GitHub `pull_request` webhook: merged pull requests with a documentation label become changes.
public struct GitHubPullRequest: Sendable {
    public let action: String
    public let merged: Bool
    public let number: Int
    public let repository: String
    public let title: String
    public let body: String
    public let labels: [String]
    public let url: String?

    public init(json: JSONValue) throws(InvalidWebhook) {
        guard case .object = json else { throw InvalidWebhook(problem: "the body is not a JSON object") }
        guard case .string(let action)? = json["action"] else {
            throw InvalidWebhook(problem: "'action' is missing: this is not a pull_request webhook")
        }
        guard let pullRequest = json["pull_request"], case .object = pullRequest else {
            throw InvalidWebhook(problem: "'pull_request' is missing")
        }
        guard case .number(let value)? = pullRequest["number"], let number = Int(exactly: value), number > 0,
              case .string(let title)? = pullRequest["title"]
        else {
            throw InvalidWebhook(problem: "'pull_request.number' (a positive integer) and 'pull_request.title' are required")
        }
        self.action = action
        merged = pullRequest["merged"] == .bool(true)
        self.number = number
        repository = json["repository"]?["full_name"]?.stringValue ?? ""
        self.title = title
        body = pullRequest["body"]?.stringValue ?? ""
        if case .array(let values)? = pullRequest["labels"] {
            labels = values.compactMap { $0["name"]?.stringValue }
        } else {
            labels = []
        }
        url = pullRequest["html_url"]?.stringValue
    }

    /// `owner/repo#123`, the pull request's name in every event and document about it.
    public var key: String { "\(repository)#\(number)" }

    /// Closed, merged and labelled for documentation; never with a skip label.
    public func decide(_ filter: ChangeFilter) -> ChangeFilter.Decision {
        let lowered = Set(labels.map { $0.lowercased() })
        guard action == "closed" else { return .init(accepted: false, reason: "action '\(action)' is not evaluated") }
        guard merged else { return .init(accepted: false, reason: "closed without merging") }
        if let skip = filter.skipLabels.first(where: { lowered.contains($0.lowercased()) }) {
            return .init(accepted: false, reason: "labelled \(skip)")
        }
        guard let label = filter.documentationLabels.sorted().first(where: { lowered.contains($0.lowercased()) }) else {
            return .init(accepted: false, reason: "merged without a documentation label (\(filter.documentationLabels.sorted().joined(separator: ", ")))")
        }
        return .init(accepted: true, reason: "merged and labelled \(label)")
    }

    public func changeDetected(changeID: String) -> ChangeDetected {
        let paths = ChangeContext.apiPaths(in: [title, body])
        return ChangeDetected(
            changeID: changeID, origin: "github", ticketKey: key, ticketType: "Pull Request", summary: title,
            description: body, labels: labels, acceptanceCriteria: ChangeContext.acceptanceCriteria(in: body),
            apiPaths: paths,
            documentationType: ChangeContext.documentationType(labels: labels, issueType: "Pull Request",
                                                               hasAPIPaths: !paths.isEmpty),
            url: url)
    }
}
