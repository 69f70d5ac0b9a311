import Foundation
import KinexusJSON
import OutboundHTTP

/// What an iteration needs of a pull request on GitHub: whether it is still open, a review with its line
/// comments, its conversation, and its branch moved forward.
extension GitHubClient {
    public enum PullRequestState: String, Sendable, Equatable {
        case open, closed, merged
    }

    /// `GET /repos/{owner}/{repo}/pulls/{pull_number}`.
    public func state(ofPullRequest number: Int) async throws -> PullRequestState {
        let (_, pull) = try await requests.send("GET", "\(base)/pulls/\(number)", accepting: [200])
        if pull["merged"] == .bool(true) { return .merged }
        return pull["state"]?.stringValue == "open" ? .open : .closed
    }

    public struct Review: Sendable, Equatable {
        public let author: String
        public let body: String
        /// Lower-cased, as webhooks spell it: `changes_requested`, `commented`, `approved`.
        public let state: String
        public let url: String?
        public let comments: [ReviewComment]
    }

    public struct ReviewComment: Sendable, Equatable {
        public let id: Int?
        public let author: String
        public let body: String
        public let path: String?
        public let line: Int?
        public let diffHunk: String?
    }

    /// A review and every line comment of it: `GET …/pulls/{pull_number}/reviews/{review_id}` and its `/comments`, page by page.
    public func review(_ id: Int, ofPullRequest number: Int) async throws -> Review {
        let (_, review) = try await requests.send("GET", "\(base)/pulls/\(number)/reviews/\(id)", accepting: [200])
        let comments = try await pages("\(base)/pulls/\(number)/reviews/\(id)/comments").map { comment in
            ReviewComment(id: comment["id"]?.intValue, author: comment["user"]?["login"]?.stringValue ?? "",
                          body: comment["body"]?.stringValue ?? "", path: comment["path"]?.stringValue,
                          line: comment["line"]?.intValue ?? comment["original_line"]?.intValue,
                          diffHunk: comment["diff_hunk"]?.stringValue)
        }
        return Review(author: review["user"]?["login"]?.stringValue ?? "", body: review["body"]?.stringValue ?? "",
                      state: review["state"]?.stringValue?.lowercased() ?? "commented", url: review["html_url"]?.stringValue,
                      comments: comments)
    }

    /// The address of the pull request's first comment containing `mark`, if one was posted.
    public func comment(containing mark: String, onPullRequest number: Int) async throws -> String? {
        try await pages("\(base)/issues/\(number)/comments").first { $0["body"]?.stringValue?.contains(mark) == true }?["html_url"]?
            .stringValue
    }

    /// `POST /repos/{owner}/{repo}/issues/{issue_number}/comments`; answers the comment's address.
    public func comment(_ body: String, onPullRequest number: Int) async throws -> String {
        let (_, created) = try await requests.send("POST", "\(base)/issues/\(number)/comments", body: ["body": .string(body)],
                                                   accepting: [201])
        guard let url = created["html_url"]?.stringValue else {
            throw UnexpectedAnswer(service: "GitHub", problem: "the created comment has no html_url")
        }
        return url
    }

    /// Moves `branch` forward to `commit`; GitHub refuses (422) when that is not a fast-forward, and so does this.
    public func advanceBranch(_ branch: String, to commit: String) async throws {
        let (status, answer) = try await requests.send(
            "PATCH", "\(base)/git/refs/heads/\(branch)", body: ["sha": .string(commit), "force": false], accepting: [200, 422])
        guard status == 200 else {
            let refusal = answer["message"]?.stringValue ?? answer.jsonText
            throw UnexpectedAnswer(service: "GitHub", problem: "\(branch) cannot move to \(commit): \(refusal)")
        }
    }

    /// Every item of a listing, following `page` until a short page (at most 100 pages of 100).
    private func pages(_ path: String) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        for page in 1...100 {
            let (_, listed) = try await requests.send("GET", "\(path)?per_page=100&page=\(page)", accepting: [200])
            guard let batch = listed.arrayValue else {
                throw UnexpectedAnswer(service: "GitHub", problem: "\(path) did not answer a list")
            }
            items += batch
            if batch.count < 100 { break }
        }
        return items
    }
}
