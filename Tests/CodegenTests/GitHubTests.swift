@testable import Codegen
import CodegenRules
import FakeServices
import Foundation
import GitHub
import KinexusEvents
import Logging
import OutboundHTTP
import Testing

/// The GitHub code host against a local fake of GitHub's REST API: the branch is built as blobs, a tree on
/// the base tree, one commit on the base commit and a ref; then the pull request.
@Suite(.serialized)
struct GitHubTests {
    let harness = CodegenHarness(redisDatabase: 8)
    static let token = "ghp_test"

    func withGitHub(_ body: @Sendable (FakeGitHub, GitHubRepository, String) async throws -> Void) async throws {
        let fake = FakeGitHub(token: Self.token, repository: "acme/web")
        try await withFakeServer({ await fake.handle($0) }) { url in
            // The clone comes from a local bare repository standing in for github.com.
            let local = LocalRepositories(root: harness.data + "/github")
            let cloneURL = "file://" + (try await local.cloneSource(repository: "acme/web"))
            let client = GitHubClient(apiURL: url, token: Self.token, repository: "acme/web",
                                      http: RetryingHTTPClient(service: "GitHub", logger: Logger(label: "test")))
            try await body(fake, GitHubRepository(client: client, cloneURL: cloneURL, token: Self.token), cloneURL)
        }
        try? FileManager.default.removeItem(atPath: harness.data)
    }

    func brief() -> TaskBrief {
        TaskBrief(request: CodegenRequested(taskID: "0a1b2c3d-0000-4000-8000-000000000000", prompt: "Add a script.",
                                            storyID: "5f00", title: "Scripts"),
                  baseBranch: "main", timeout: .seconds(60))
    }

    @Test func aBranchIsOneCommitOfTheChangedFilesOnTheBase() async throws {
        try await withGitHub { fake, host, cloneURL in
            let brief = brief()
            let workspace = try await Workspace.create(in: harness.data + "/ws", run: UUID(), source: cloneURL, baseBranch: "main",
                                                       branch: brief.branch)
            try Data("#!/bin/sh\necho hi\n".utf8).write(to: URL(fileURLWithPath: workspace.path + "/run.sh"))
            #expect(chmod(workspace.path + "/run.sh", 0o755) == 0)
            try FileManager.default.createSymbolicLink(atPath: workspace.path + "/latest", withDestinationPath: "run.sh")
            try FileManager.default.removeItem(atPath: workspace.path + "/README.md")
            let commit = try #require(try await workspace.commitAll(message: "Scripts"))
            let opened = try await host.openPullRequest(commit, from: workspace, repository: "acme/web", brief: brief, body: "the body")
            #expect(opened == OpenedPullRequest(number: 1, url: "https://github.test/acme/web/pull/1"))
            #expect(await fake.violations == [])
            let commitSHA = try #require(await fake.refs["refs/heads/\(brief.branch)"])
            let created = try #require(await fake.commits[commitSHA])
            #expect(created.parents == [workspace.baseCommit])
            #expect(created.message == "Story: Scripts")
            let tree = try #require(await fake.trees[created.tree])
            #expect(tree.base == workspace.baseTree)
            #expect(tree.entries["README.md"]?.blob == nil && tree.entries["README.md"] != nil)
            #expect(tree.entries["run.sh"]?.mode == "100755")
            #expect(tree.entries["latest"]?.mode == "120000")
            let blobs = await fake.blobs
            #expect(tree.entries["run.sh"]?.blob.flatMap { blobs[$0] } == Data("#!/bin/sh\necho hi\n".utf8))
            #expect(tree.entries["latest"]?.blob.flatMap { blobs[$0] } == Data("run.sh".utf8))
            let pull = try #require(await fake.pullRequests.first)
            #expect((pull.title, pull.head, pull.base, pull.body) == ("Story: Scripts", brief.branch, "main", "the body"))
        }
    }

    @Test func aSecondAttemptMovesTheBranchAndFindsItsPullRequest() async throws {
        try await withGitHub { fake, host, cloneURL in
            let brief = brief()
            for attempt in 1...2 {
                let workspace = try await Workspace.create(in: harness.data + "/ws", run: UUID(), source: cloneURL, baseBranch: "main",
                                                           branch: brief.branch)
                try Data("attempt \(attempt)\n".utf8).write(to: URL(fileURLWithPath: workspace.path + "/notes.txt"))
                let commit = try #require(try await workspace.commitAll(message: "Scripts"))
                let opened = try await host.openPullRequest(commit, from: workspace, repository: "acme/web", brief: brief, body: "b")
                #expect(opened.number == 1)
            }
            #expect(await fake.violations == [])
            #expect(await fake.pullRequests.count == 1)
            let requests = await fake.requests
            #expect(requests.contains("PATCH /repos/acme/web/git/refs/heads/\(brief.branch)"))
            #expect(requests.contains("GET /repos/acme/web/pulls"))
            let head = try #require(await fake.refs["refs/heads/\(brief.branch)"])
            let blobs = await fake.blobs
            let commit = try #require(await fake.commits[head])
            let tree = try #require(await fake.trees[commit.tree])
            #expect(tree.entries["notes.txt"]?.blob.flatMap { blobs[$0] } == Data("attempt 2\n".utf8))
        }
    }

    @Test func aTaskOpensItsPullRequestOnGitHub() async throws {
        try await withGitHub { fake, host, _ in
            try await harness.withCodegen(agent: harness.scripted("echo '# Web' > README.md"), host: host) { publisher, postgres, _ in
                let request = CodegenRequested(taskID: UUID().uuidString.lowercased(), prompt: "Rename the README title.",
                                               repository: "acme/web")
                try await publisher.publish(request, source: .stories)
                let task = try #require(try await harness.finished(request.taskID, postgres))
                #expect(task.status == "completed", "\(task.error ?? "")")
                let pull = try #require(try await harness.pullRequest(of: request.taskID, postgres))
                #expect(pull.url == "https://github.test/acme/web/pull/1")
                #expect(pull.files == ["README.md"])
                #expect(await fake.pullRequests.first?.head == "kinexus/task-\(request.taskID.prefix(8))")
                #expect(await fake.violations == [])
            }
        }
    }

    @Test func aTaskForAnotherRepositoryFails() async throws {
        try await withGitHub { fake, host, _ in
            try await harness.withCodegen(agent: harness.scripted("echo x > x.txt"), host: host) { publisher, postgres, _ in
                let request = CodegenRequested(taskID: UUID().uuidString.lowercased(), prompt: "Anything.", repository: "acme/other")
                try await publisher.publish(request, source: .stories)
                let task = try #require(try await harness.finished(request.taskID, postgres))
                #expect(task.status == "failed")
                #expect(task.error == "pull requests go to acme/web only (KINEXUS_GITHUB_REPO), not to acme/other")
                #expect(await fake.requests.isEmpty)
            }
        }
    }

    @Test func aWrongTokenIsAnError() async throws {
        let fake = FakeGitHub(token: Self.token, repository: "acme/web")
        try await withFakeServer({ await fake.handle($0) }) { url in
            let client = GitHubClient(apiURL: url, token: "wrong", repository: "acme/web",
                                      http: RetryingHTTPClient(service: "GitHub", logger: Logger(label: "test")))
            await #expect(throws: UnexpectedStatus.self) { try await client.createBlob(Data("x".utf8)) }
        }
    }
}
