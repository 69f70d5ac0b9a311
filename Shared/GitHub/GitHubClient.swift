import Foundation
import KinexusJSON
import OutboundHTTP

/// GitHub REST: a branch made of one commit through the Git database API (blobs, a tree on the base
/// tree, a commit, the ref), and its pull request.
public struct GitHubClient: Sendable {
    let requests: JSONRequests
    /// `owner/name`.
    public let repository: String

    public init(apiURL: String, token: String, repository: String, http: RetryingHTTPClient) {
        requests = JSONRequests(
            http: http, baseURL: apiURL,
            headers: [("Authorization", "Bearer \(token)"), ("Accept", "application/vnd.github+json"),
                      ("X-GitHub-Api-Version", "2022-11-28"), ("User-Agent", "kinexus-codegen")],
            service: "GitHub")
        self.repository = repository
    }

    var base: String { "/repos/\(repository)" }

    /// One entry of a new tree: a file's new content, or nil content for a deletion.
    public struct TreeEntry: Sendable {
        public let path: String
        public let mode: String
        public let content: Data?

        public init(path: String, mode: String, content: Data?) {
            self.path = path
            self.mode = mode
            self.content = content
        }
    }

    public func createBlob(_ content: Data) async throws -> String {
        let (_, blob) = try await requests.send(
            "POST", "\(base)/git/blobs", body: ["content": .string(content.base64EncodedString()), "encoding": "base64"],
            accepting: [201])
        return try sha(of: blob, "blob")
    }

    /// A tree that is `baseTree` with the entries applied; file contents are uploaded as blobs first.
    public func createTree(base baseTree: String, entries: [TreeEntry]) async throws -> String {
        var tree: [JSONValue] = []
        for entry in entries {
            let blob: JSONValue = if let content = entry.content { .string(try await createBlob(content)) } else { .null }
            tree.append(["path": .string(entry.path), "mode": .string(entry.mode), "type": "blob", "sha": blob])
        }
        let (_, created) = try await requests.send(
            "POST", "\(base)/git/trees", body: ["base_tree": .string(baseTree), "tree": .array(tree)], accepting: [201])
        return try sha(of: created, "tree")
    }

    public func createCommit(message: String, tree: String, parents: [String]) async throws -> String {
        let (_, commit) = try await requests.send(
            "POST", "\(base)/git/commits",
            body: ["message": .string(message), "tree": .string(tree), "parents": .array(parents.map(JSONValue.string))],
            accepting: [201])
        return try sha(of: commit, "commit")
    }

    /// Points `branch` at `commit`: creates the ref, or moves it when an earlier attempt created it.
    public func setBranch(_ branch: String, to commit: String) async throws {
        let (status, _) = try await requests.send(
            "POST", "\(base)/git/refs", body: ["ref": .string("refs/heads/\(branch)"), "sha": .string(commit)],
            accepting: [201, 422])
        guard status == 422 else { return }
        _ = try await requests.send(
            "PATCH", "\(base)/git/refs/heads/\(branch)", body: ["sha": .string(commit), "force": true], accepting: [200])
    }

    public struct PullRequest: Sendable, Equatable {
        public let number: Int
        public let url: String
    }

    /// Opens the pull request; when one is already open for the branch (an earlier attempt opened it), answers that one.
    public func openPullRequest(title: String, body: String, head: String, base baseBranch: String) async throws -> PullRequest {
        let (status, created) = try await requests.send(
            "POST", "\(base)/pulls",
            body: ["title": .string(title), "body": .string(body), "head": .string(head), "base": .string(baseBranch)],
            accepting: [201, 422])
        if status == 201 { return try pullRequest(created) }
        let owner = repository.split(separator: "/").first.map(String.init) ?? ""
        let (_, open) = try await requests.send(
            "GET", "\(base)/pulls?head=\(percentEncoded("\(owner):\(head)"))&state=open", accepting: [200])
        guard let existing = open.arrayValue?.first else {
            throw UnexpectedAnswer(service: "GitHub", problem: "no pull request could be opened for \(head): \(created.jsonText)")
        }
        return try pullRequest(existing)
    }

    private func pullRequest(_ json: JSONValue) throws -> PullRequest {
        guard let number = json["number"]?.intValue, let url = json["html_url"]?.stringValue else {
            throw UnexpectedAnswer(service: "GitHub", problem: "a pull request without a number or html_url")
        }
        return PullRequest(number: number, url: url)
    }

    private func sha(of json: JSONValue, _ kind: String) throws -> String {
        guard let sha = json["sha"]?.stringValue else {
            throw UnexpectedAnswer(service: "GitHub", problem: "the created \(kind) has no sha")
        }
        return sha
    }
}
