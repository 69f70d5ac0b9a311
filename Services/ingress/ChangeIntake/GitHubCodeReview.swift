import KinexusEvents
import KinexusJSON

/// A person's word on a pull request, from GitHub's `pull_request_review`, `pull_request_review_comment` or
/// `issue_comment` webhook: whether it asks Kinexus for changes, and the feedback it carries.
public struct GitHubCodeReview: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case review = "pull_request_review"
        case lineComment = "pull_request_review_comment"
        case comment = "issue_comment"
    }

    public let kind: Kind
    public let action: String
    /// `owner/name`.
    public let repository: String
    /// Nil for a comment on an issue that is not a pull request.
    public let pullRequest: Int?
    /// `open` or `closed`.
    public let pullRequestState: String
    public let merged: Bool
    public let author: String
    /// `User`, `Bot`, `Organization`.
    public let authorType: String
    /// `OWNER`, `MEMBER`, `COLLABORATOR`, `CONTRIBUTOR`, `NONE`, …
    public let association: String
    public let body: String
    /// A review's state, lower-cased as webhooks send it: `changes_requested`, `commented`, `approved`.
    public let reviewState: String?
    /// The review itself, or the review a line comment belongs to.
    public let reviewID: Int?
    public let commentID: Int?
    public let lineComment: LineComment?
    public let url: String?

    /// `event` is the `X-GitHub-Event` header.
    public init(event kind: Kind, json: JSONValue) throws(InvalidWebhook) {
        guard case .object = json else { throw InvalidWebhook(problem: "the body is not a JSON object") }
        guard let action = json["action"]?.stringValue else { throw InvalidWebhook(problem: "'action' is missing") }
        self.kind = kind
        self.action = action
        repository = json["repository"]?["full_name"]?.stringValue ?? ""
        let item: JSONValue
        switch kind {
        case .review:
            guard let review = json["review"], case .object = review else { throw InvalidWebhook(problem: "'review' is missing") }
            item = review
            reviewState = review["state"]?.stringValue?.lowercased()
            reviewID = review["id"]?.intValue
            commentID = nil
        case .lineComment, .comment:
            guard let comment = json["comment"], case .object = comment else { throw InvalidWebhook(problem: "'comment' is missing") }
            item = comment
            reviewState = nil
            reviewID = comment["pull_request_review_id"]?.intValue
            commentID = comment["id"]?.intValue
        }
        author = item["user"]?["login"]?.stringValue ?? ""
        authorType = item["user"]?["type"]?.stringValue ?? "User"
        association = item["author_association"]?.stringValue ?? "NONE"
        body = item["body"]?.stringValue ?? ""
        url = item["html_url"]?.stringValue
        switch kind {
        case .review, .lineComment:
            guard let pull = json["pull_request"], let number = pull["number"]?.intValue, number > 0 else {
                throw InvalidWebhook(problem: "'pull_request.number' (a positive integer) is required")
            }
            pullRequest = number
            pullRequestState = pull["state"]?.stringValue ?? "open"
            merged = pull["merged"] == .bool(true) || pull["merged_at"]?.stringValue != nil
        case .comment:
            guard let issue = json["issue"], let number = issue["number"]?.intValue, number > 0 else {
                throw InvalidWebhook(problem: "'issue.number' (a positive integer) is required")
            }
            if let pull = issue["pull_request"], case .object = pull {
                pullRequest = number
                merged = pull["merged_at"]?.stringValue != nil
            } else {
                pullRequest = nil
                merged = false
            }
            pullRequestState = issue["state"]?.stringValue ?? "open"
        }
        lineComment = kind == .lineComment
            ? LineComment(id: commentID, body: body, author: author, path: item["path"]?.stringValue,
                          line: item["line"]?.intValue ?? item["original_line"]?.intValue, diffHunk: item["diff_hunk"]?.stringValue)
            : nil
    }

    /// Who may ask, and how Kinexus is named on GitHub.
    public struct Rules: Sendable, Equatable {
        /// `@kinexus`: a comment that mentions it is addressed to Kinexus.
        public var mention: String
        public var associations: Set<String>
        /// Logins allowed whatever their association.
        public var users: Set<String>
        /// Kinexus's own login on GitHub, whose comments are never read as feedback.
        public var ownLogin: String?

        public init(mention: String = "@kinexus", associations: Set<String> = ["OWNER", "MEMBER", "COLLABORATOR"],
                    users: Set<String> = [], ownLogin: String? = nil) {
            self.mention = mention
            self.associations = associations
            self.users = users
            self.ownLogin = ownLogin
        }
    }

    /// Whether this asks Kinexus for changes, with the reason a person would give. The pull request being
    /// one a task opened is checked apart, against the record.
    public func decide(_ rules: Rules) -> ChangeFilter.Decision {
        let expected = kind == .review ? "submitted" : "created"
        guard action == expected else { return .reject("\(kind.rawValue) action '\(action)' is not evaluated") }
        guard pullRequest != nil else { return .reject("a comment on an issue, not on a pull request") }
        guard !merged else { return .reject("the pull request is merged") }
        guard pullRequestState == "open" else { return .reject("the pull request is \(pullRequestState)") }
        if authorType == "Bot" { return .reject("a comment by a bot (\(author))") }
        if body.contains(CodeFeedback.kinexusMark) || rules.ownLogin.map({ $0.lowercased() == author.lowercased() }) == true {
            return .reject("Kinexus's own comment")
        }
        guard rules.associations.contains(association.uppercased()) || rules.users.contains(where: { $0.lowercased() == author.lowercased() })
        else {
            return .reject("\(author) (\(association)) may not ask Kinexus for changes")
        }
        let mentioned = Self.mentions(rules.mention, in: body)
        switch kind {
        case .review where reviewState == "changes_requested":
            return .accept("\(author) requested changes")
        case .review:
            return mentioned ? .accept("\(author)'s review mentions \(rules.mention)")
                : .reject("a review in state \(reviewState ?? "unknown") that does not mention \(rules.mention)")
        case .lineComment:
            return mentioned ? .accept("\(author)'s line comment mentions \(rules.mention)")
                : .reject("a line comment that does not mention \(rules.mention) travels with its review")
        case .comment:
            return mentioned ? .accept("\(author)'s comment mentions \(rules.mention)")
                : .reject("a comment that does not mention \(rules.mention)")
        }
    }

    /// `@kinexus` as a whole handle: not `@kinexus-bot`, not `me@kinexus.io`.
    static func mentions(_ handle: String, in text: String) -> Bool {
        let text = Array(text.lowercased().unicodeScalars), handle = Array(handle.lowercased().unicodeScalars)
        guard !handle.isEmpty, text.count >= handle.count else { return false }
        func isNamePart(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
        }
        for start in 0...(text.count - handle.count) where text[start..<(start + handle.count)].elementsEqual(handle) {
            let before = start == 0 ? nil : text[start - 1]
            let after = start + handle.count < text.count ? text[start + handle.count] : nil
            if before.map(isNamePart) != true, after.map(isNamePart) != true { return true }
        }
        return false
    }

    /// The fact's name: a review and its line comments are one (whichever arrives first is the one kept,
    /// and codegen reads the review's comments from GitHub); a comment is its own.
    public var key: String {
        if let reviewID { return "github-review:\(repository.lowercased())#\(pullRequest ?? 0)/\(reviewID)" }
        return "github-comment:\(repository.lowercased())/\(commentID ?? 0)"
    }

    public var feedback: CodeFeedback {
        CodeFeedback(origin: "github", author: author, body: kind == .lineComment ? "" : body, reviewID: reviewID,
                     state: reviewState, comments: lineComment.map { [$0] } ?? [], url: url)
    }
}
