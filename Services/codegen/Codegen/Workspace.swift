import Foundation

/// A task's own clone of the repository, on the task's branch. Each run starts from a fresh clone in a
/// directory of its own, so a task picked up after a replica died never sees what the dead run left behind,
/// and the dead run's agent, if it still runs, cannot write into the new one.
public struct Workspace: Sendable {
    public let path: String
    public let branch: String
    /// The commit the branch starts from, and its tree.
    public let baseCommit: String
    public let baseTree: String
    let git: Git

    /// Clones `baseBranch` of `source` into `workspaces/task-run` and starts `branch` on it, unless `branch` is
    /// the branch cloned (an iteration works on the task's branch as it stands); the workspaces of the task's
    /// earlier runs go first. Runs share no directory, so a run cleaning up never removes what the next one
    /// is cloning into. A local source (a path) is cloned sharing its objects, read-only; a remote one
    /// (a URL) only to depth 2, enough to read what the branch's last commit changed.
    public static func create(
        in workspaces: String, task: String, run: UUID, source: String, baseBranch: String, branch: String,
        authorizationHeader: String? = nil
    ) async throws -> Workspace {
        let earlierRuns = "\(task)-", path = "\(workspaces)/\(earlierRuns)\(run.uuidString.lowercased())"
        try await BlockingIO.run {
            try FileManager.default.createDirectory(atPath: workspaces, withIntermediateDirectories: true)
            for name in try FileManager.default.contentsOfDirectory(atPath: workspaces) where name.hasPrefix(earlierRuns) {
                try? FileManager.default.removeItem(atPath: "\(workspaces)/\(name)")
            }
        }
        let sharing = source.hasPrefix("/") ? ["--shared"] : ["--depth", "2"]
        try await Git(directory: workspaces, authorizationHeader: authorizationHeader)
            .run(["clone", "--quiet"] + sharing + ["--single-branch", "--branch", baseBranch, "--", source, path])
        let git = Git(directory: path, authorizationHeader: authorizationHeader)
        if branch != baseBranch { try await git.run("checkout", "--quiet", "-b", branch) }
        let base = try await git.run("rev-parse", "HEAD", "HEAD^{tree}").split(separator: "\n").map(String.init)
        guard base.count == 2 else { throw Git.Failure(command: "rev-parse", status: 0, standardError: "no commit and tree for HEAD") }
        return Workspace(path: path, branch: branch, baseCommit: base[0], baseTree: base[1], git: git)
    }

    /// Writes a file the agent reads but that is never committed.
    public func writeUncommitted(_ name: String, contents: String) async throws {
        let path = self.path
        try await BlockingIO.run {
            try Data(contents.utf8).write(to: URL(fileURLWithPath: path + "/" + name))
            let exclude = URL(fileURLWithPath: path + "/.git/info/exclude")
            try? FileManager.default.createDirectory(at: exclude.deletingLastPathComponent(), withIntermediateDirectories: true)
            let excluded = (try? String(contentsOf: exclude, encoding: .utf8)) ?? ""
            try Data((excluded + "\n/" + name + "\n").utf8).write(to: exclude)
        }
    }

    /// One commit on the base of everything the agent changed, commits it made itself included; nil when
    /// nothing changed. The commit is made from the tree directly, so no hook of the agent's runs.
    public func commitAll(message: String) async throws -> String? {
        try await git.run("add", "--all")
        let tree = try await git.run("write-tree").trimmingCharacters(in: .whitespacesAndNewlines)
        guard tree != baseTree else { return nil }
        return try await git.run("commit-tree", tree, "-p", baseCommit, "-F", "-", input: message)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The files `commit` changes against the base.
    public func changes(in commit: String) async throws -> [FileChange] {
        FileChange.parse(rawDiff: try await git.run("diff", "--raw", "--no-renames", "-z", baseCommit, commit))
    }

    public func diffStat(of commit: String) async throws -> DiffStat {
        DiffStat(numstat: try await git.run("diff", "--numstat", "--no-renames", baseCommit, commit))
    }

    /// Pushes `commit` as the branch, replacing it: the branch belongs to the task, and an earlier attempt
    /// may have pushed before its replica died.
    public func push(_ commit: String) async throws {
        try await git.run("push", "--quiet", "--force", "origin", "\(commit):refs/heads/\(branch)")
    }

    /// What the commit the workspace starts from changed against its parent.
    public func lastCommitStat() async throws -> DiffStat {
        DiffStat(numstat: try await git.run("diff", "--numstat", "--no-renames", baseCommit + "^", baseCommit))
    }

    /// Pushes `commit`, made on the branch's head, as the branch: a fast-forward, never by force, so that
    /// nothing anyone pushed meanwhile is lost.
    public func pushOnTop(_ commit: String) async throws {
        try await git.run("push", "--quiet", "origin", "\(commit):refs/heads/\(branch)")
    }

    /// The message of the commit the workspace starts from: an iteration finds there whether an earlier run
    /// of it already pushed its commit.
    public func baseMessage() async throws -> String {
        try await git.run("log", "-1", "--format=%B", baseCommit)
    }

    /// Removes this run's clone.
    public func remove() async {
        let path = self.path
        _ = try? await BlockingIO.run { try FileManager.default.removeItem(atPath: path) }
    }
}

/// One file a branch adds, modifies or deletes.
public struct FileChange: Sendable, Equatable {
    public enum Kind: String, Sendable { case added = "A", modified = "M", deleted = "D", typeChanged = "T" }
    public let path: String
    public let kind: Kind
    /// Git's file mode after the change (`100644`, `100755`, `120000`); nil when deleted.
    public let mode: String?

    /// Parses `git diff --raw -z`: `:oldmode newmode oldsha newsha status` NUL `path` NUL, repeated.
    static func parse(rawDiff: String) -> [FileChange] {
        var fields = rawDiff.split(separator: "\0", omittingEmptySubsequences: false)[...]
        var changes: [FileChange] = []
        while let header = fields.popFirst(), header.hasPrefix(":"), let path = fields.popFirst() {
            let parts = header.dropFirst().split(separator: " ")
            guard parts.count == 5, let kind = Kind(rawValue: String(parts[4].prefix(1))) else { continue }
            changes.append(FileChange(path: String(path), kind: kind, mode: kind == .deleted ? nil : String(parts[1])))
        }
        return changes
    }
}

/// Lines added and removed, as `git diff --numstat` counts them (binary files count as changed only).
public struct DiffStat: Sendable, Equatable, Codable {
    public let filesChanged: Int
    public let insertions: Int
    public let deletions: Int
    public let files: [String]

    public init(numstat: String) {
        let rows = numstat.split(separator: "\n").map { $0.split(separator: "\t", maxSplits: 2) }.filter { $0.count == 3 }
        filesChanged = rows.count
        insertions = rows.compactMap { Int($0[0]) }.reduce(0, +)
        deletions = rows.compactMap { Int($0[1]) }.reduce(0, +)
        files = rows.map { String($0[2]) }
    }

    /// `3 files changed, 40 insertions(+), 2 deletions(-)`, as git prints it.
    public var summary: String {
        "\(filesChanged) file\(filesChanged == 1 ? "" : "s") changed, \(insertions) insertion\(insertions == 1 ? "" : "s")(+), "
            + "\(deletions) deletion\(deletions == 1 ? "" : "s")(-)"
    }

    enum CodingKeys: String, CodingKey {
        case filesChanged = "files_changed", insertions, deletions, files
    }
}
