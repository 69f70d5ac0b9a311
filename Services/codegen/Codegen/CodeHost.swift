import CodegenRules
import Foundation
import GitHub
import KinexusEvents

/// Where repositories come from and where pull requests go: GitHub, or bare repositories on local disk.
public protocol CodeHost: Sendable {
    /// Why the host cannot take pull requests for `repository`, or nil when it can.
    func refusal(of repository: String) -> String?
    /// Where a task's workspace is cloned from: a URL, or the path of a repository on this machine.
    func cloneSource(repository: String) async throws -> String
    /// The header git sends to the clone source, if it needs one.
    var gitAuthorization: String? { get }
    /// Publishes `commit` of the workspace as the task's branch and opens its pull request.
    func openPullRequest(_ commit: String, from workspace: Workspace, repository: String, brief: TaskBrief, body: String)
        async throws -> OpenedPullRequest
    /// Whether the pull request still takes changes.
    func state(of pullRequest: Int?) async throws -> GitHubClient.PullRequestState
    /// A review as the host holds it, with all its line comments; nil where reviews live elsewhere.
    func review(_ id: Int, of pullRequest: Int?) async throws -> GitHubClient.Review?
    /// Publishes `commit`, made on the branch's head in the workspace, as the branch's next commit, never by
    /// force; answers the commit as published.
    func pushOnTop(_ commit: String, from workspace: Workspace, message: String) async throws -> String
    /// Posts `body` on the pull request unless a comment holding `mark` is there already; answers its address,
    /// or nil where pull requests take no comments (the answer is kept with the iteration either way).
    func answer(_ body: String, mark: String, on pullRequest: Int?) async throws -> String?
}

public struct OpenedPullRequest: Sendable, Equatable {
    /// GitHub's number; nil for a local repository, where Postgres numbers the record.
    public let number: Int?
    public let url: String?

    public init(number: Int?, url: String?) {
        self.number = number
        self.url = url
    }
}

/// The embedded default: bare repositories under the data directory (created, with a first commit, when
/// first named); the branch is pushed there and the pull request exists only as Kinexus's record.
public struct LocalRepositories: CodeHost {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public var gitAuthorization: String? { nil }

    public func refusal(of repository: String) -> String? {
        CodegenRequested.isValidRepository(repository) ? nil : "'\(repository)' is not a repository name (owner/name)"
    }

    public func path(of repository: String) -> String { "\(root)/\(repository).git" }

    public func cloneSource(repository: String) async throws -> String {
        let path = path(of: repository)
        let exists = try await BlockingIO.run { FileManager.default.fileExists(atPath: path + "/HEAD") }
        if !exists { try await create(path) }
        return path
    }

    /// Builds the repository beside its final path and renames it into place, so replicas that create it
    /// at the same moment never see half of one.
    private func create(_ path: String) async throws {
        let building = path + ".building-\(UUID().uuidString)"
        try await BlockingIO.run {
            try FileManager.default.createDirectory(atPath: building, withIntermediateDirectories: true)
        }
        let git = Git(directory: building)
        try await git.run("init", "--quiet", "--bare", "--initial-branch", LocalRepositories.initialBranch)
        let readme = try await git.run("hash-object", "-w", "--stdin", input: "# Repository\n\nCreated by Kinexus for generated code.\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let tree = try await git.run("mktree", input: "100644 blob \(readme)\tREADME.md\n").trimmingCharacters(in: .whitespacesAndNewlines)
        let commit = try await git.run("commit-tree", tree, "-m", "Initial commit").trimmingCharacters(in: .whitespacesAndNewlines)
        try await git.run("update-ref", "refs/heads/\(LocalRepositories.initialBranch)", commit)
        try await BlockingIO.run {
            if rename(building, path) != 0 { try? FileManager.default.removeItem(atPath: building) }
        }
    }

    static let initialBranch = "main"

    public func openPullRequest(_ commit: String, from workspace: Workspace, repository: String, brief: TaskBrief, body: String)
        async throws -> OpenedPullRequest
    {
        try await workspace.push(commit)
        return OpenedPullRequest(number: nil, url: nil)
    }

    public func state(of pullRequest: Int?) async throws -> GitHubClient.PullRequestState { .open }

    public func review(_ id: Int, of pullRequest: Int?) async throws -> GitHubClient.Review? { nil }

    public func pushOnTop(_ commit: String, from workspace: Workspace, message: String) async throws -> String {
        try await workspace.pushOnTop(commit)
        return commit
    }

    public func answer(_ body: String, mark: String, on pullRequest: Int?) async throws -> String? { nil }
}

/// GitHub: the workspace is cloned over HTTPS with the token; the branch is created through the REST API
/// as one commit on the base, and the pull request opened there.
public struct GitHubRepository: CodeHost {
    let client: GitHubClient
    let cloneURL: String
    let token: String

    public init(client: GitHubClient, cloneURL: String, token: String) {
        self.client = client
        self.cloneURL = cloneURL
        self.token = token
    }

    public var gitAuthorization: String? {
        "Authorization: Basic " + Data("x-access-token:\(token)".utf8).base64EncodedString()
    }

    public func cloneSource(repository: String) async throws -> String { cloneURL }

    public func refusal(of repository: String) -> String? {
        repository == client.repository ? nil : "pull requests go to \(client.repository) only (KINEXUS_GITHUB_REPO), not to \(repository)"
    }

    public func openPullRequest(_ commit: String, from workspace: Workspace, repository: String, brief: TaskBrief, body: String)
        async throws -> OpenedPullRequest
    {
        let tree = try await client.createTree(base: workspace.baseTree, entries: try await entries(of: commit, in: workspace))
        let commit = try await client.createCommit(message: brief.pullRequestTitle, tree: tree, parents: [workspace.baseCommit])
        try await client.setBranch(brief.branch, to: commit)
        let opened = try await client.openPullRequest(title: brief.pullRequestTitle, body: body, head: brief.branch,
                                                      base: brief.baseBranch)
        return OpenedPullRequest(number: opened.number, url: opened.url)
    }

    public func state(of pullRequest: Int?) async throws -> GitHubClient.PullRequestState {
        try await client.state(ofPullRequest: try number(pullRequest))
    }

    public func review(_ id: Int, of pullRequest: Int?) async throws -> GitHubClient.Review? {
        try await client.review(id, ofPullRequest: try number(pullRequest))
    }

    /// The commit is built through the REST API as the first one is, on the branch's head, and the branch
    /// moved to it only as a fast-forward.
    public func pushOnTop(_ commit: String, from workspace: Workspace, message: String) async throws -> String {
        let tree = try await client.createTree(base: workspace.baseTree, entries: try await entries(of: commit, in: workspace))
        let published = try await client.createCommit(message: message, tree: tree, parents: [workspace.baseCommit])
        try await client.advanceBranch(workspace.branch, to: published)
        return published
    }

    public func answer(_ body: String, mark: String, on pullRequest: Int?) async throws -> String? {
        let number = try number(pullRequest)
        if let posted = try await client.comment(containing: mark, onPullRequest: number) { return posted }
        return try await client.comment(body, onPullRequest: number)
    }

    struct NoPullRequestNumber: Error, CustomStringConvertible {
        var description: String { "the task's pull request has no GitHub number" }
    }

    private func number(_ pullRequest: Int?) throws -> Int {
        guard let pullRequest else { throw NoPullRequestNumber() }
        return pullRequest
    }

    /// The tree entries of what `commit` changes against the workspace's base, file contents read from the workspace.
    private func entries(of commit: String, in workspace: Workspace) async throws -> [GitHubClient.TreeEntry] {
        let changes = try await workspace.changes(in: commit)
        let root = workspace.path
        return try await BlockingIO.run {
            try changes.map { change in
                GitHubClient.TreeEntry(path: change.path, mode: change.mode ?? "100644",
                                       content: change.mode == nil ? nil : try Self.content(of: root + "/" + change.path, mode: change.mode))
            }
        }
    }

    /// A file's bytes, or for a symbolic link (mode 120000) the path it points to, as git stores it.
    static func content(of path: String, mode: String?) throws -> Data {
        if mode == "120000" { return Data(try FileManager.default.destinationOfSymbolicLink(atPath: path).utf8) }
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }
}
