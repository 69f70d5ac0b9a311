@testable import Codegen
import CodegenRules
import FakeServices
import Foundation
import GitHub
import KinexusEvents
import KinexusBus
import KinexusTestSupport
import Logging
import OutboundHTTP
import PostgresNIO
import Testing

/// The GitHub code host against a local fake of GitHub's REST API: the branch is built as blobs, a tree on
/// the base tree, one commit on the base commit and a ref; then the pull request.
@Suite(.serialized)
struct GitHubTests {
    let harness = CodegenHarness(redisDatabase: 8)
    static let token = "ghp_test"

    func withGitHub(_ body: @Sendable (FakeGitHub, GitHubRepository, String) async throws -> Void) async throws {
        // The clone comes from a local bare repository standing in for github.com's, where the fake's Git
        // database writes what Kinexus builds through the API.
        let local = LocalRepositories(root: harness.data + "/github")
        let bare = try await local.cloneSource(repository: "acme/web")
        let fake = FakeGitHub(token: Self.token, repository: "acme/web", gitDirectory: bare)
        try await withFakeServer({ await fake.handle($0) }) { url in
            let cloneURL = "file://" + bare
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
            let workspace = try await Workspace.create(in: harness.data + "/ws", task: "t", run: UUID(), source: cloneURL, baseBranch: "main",
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
                let workspace = try await Workspace.create(in: harness.data + "/ws", task: "t", run: UUID(), source: cloneURL, baseBranch: "main",
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

    /// A task's pull request opened on the fake, with the agent that answers feedback into review-<n>.md.
    func withPullRequest(
        host wrap: @escaping @Sendable (GitHubRepository) -> any CodeHost = { $0 }, maxIterations: Int = 5,
        _ body: @Sendable (FakeGitHub, _ task: String, _ branch: String, EventPublisher, PostgresClient) async throws -> Void
    ) async throws {
        try await withGitHub { fake, host, _ in
            try await harness.withCodegen(agent: harness.iteratingAgent, host: wrap(host), maxIterations: maxIterations) {
                publisher, postgres, _ in
                let request = CodegenRequested(taskID: UUID().uuidString.lowercased(), prompt: "Add a first file.", repository: "acme/web")
                try await publisher.publish(request, source: .stories)
                #expect(try await harness.finished(request.taskID, postgres)?.status == "completed")
                try await body(fake, request.taskID, "kinexus/task-\(request.taskID.prefix(8))", publisher, postgres)
                #expect(await fake.violations == [])
            }
        }
    }

    static let review = FakeGitHub.Review(id: 77, pullRequest: 1, author: "ana", state: "changes_requested", body: "Two things.", comments: [
        .init(id: 501, path: "first.txt", line: 1, body: "Say hello here.", diffHunk: "@@ -0,0 +1 @@\n+first"),
        .init(id: 502, path: "README.md", line: 3, body: "And thank the reader.", diffHunk: "@@ -1,3 +1,3 @@\n # Repository"),
    ])

    /// What the ingress publishes for the review's webhook: the review, or one of its line comments.
    static func feedback(on task: String, comment: Bool = false) -> CodegenFeedbackSubmitted {
        CodegenFeedbackSubmitted(taskID: task, feedback: CodeFeedback(
            origin: "github", author: "ana", body: comment ? "" : "Two things.", reviewID: 77, state: comment ? nil : "changes_requested",
            comments: comment ? [LineComment(id: 501, body: "Say hello here.", author: "ana", path: "first.txt", line: 1)] : []))
    }

    @Test func aReviewBecomesACommitOnThePullRequestsBranchAndOneAnswer() async throws {
        try await withPullRequest { fake, task, branch, publisher, postgres in
            let first = try #require(await fake.refs["refs/heads/\(branch)"])
            await fake.submit(Self.review)
            // The line comment's webhook came first: the review's comments are read from GitHub all the same.
            try await publisher.publish(Self.feedback(on: task, comment: true), source: .github)
            let iteration = try #require(try await harness.iterated(task, 1, postgres))
            #expect(iteration.status == "pushed", "\(iteration.reason ?? "")")
            #expect(iteration.feedback.first?.comments.map(\.body) == ["Say hello here.", "And thank the reader."])
            #expect(iteration.feedback.first?.body == "Two things." && iteration.feedback.first?.state == "changes_requested")
            let head = try #require(await fake.refs["refs/heads/\(branch)"])
            #expect(head == iteration.commit)
            #expect(await fake.commits[head]?.parents == [first], "a commit on top, the branch moved forward")
            #expect(await fake.requests.contains("PATCH /repos/acme/web/git/refs/heads/\(branch)"))
            let bare = LocalRepositories(root: harness.data + "/github").path(of: "acme/web")
            let review = try await Git(directory: bare).run("show", "\(head):review-1.md")
            #expect(review.contains("### ana requested changes (https://github.test/acme/web/pull/1#pullrequestreview-77)"))
            #expect(review.contains("> Two things."))
            #expect(review.contains("- ana on `first.txt`, line 1:\n\n  > Say hello here.\n\n  ```diff\n  @@ -0,0 +1 @@\n  +first\n  ```"))
            #expect(review.contains("- ana on `README.md`, line 3:\n\n  > And thank the reader."))
            let comments = await fake.comments
            #expect(comments.count == 1)
            #expect(comments.first?.body.hasPrefix("<!-- kinexus:task/\(task)/iteration/1 -->") == true)
            #expect(comments.first?.body.contains("Pushed `\(head.prefix(12))` on `\(branch)`: 1 file changed, ") == true)
            #expect(comments.first?.body.contains("http://kinexus.test/console/tasks/\(task)") == true)
            #expect(iteration.answerURL == "https://github.test/acme/web/pull/1#issuecomment-9000")
        }
    }

    @Test func aRunThatDiesAfterAnsweringIsFinishedWithoutASecondCommitOrComment() async throws {
        try await withPullRequest(host: { DyingHost($0, after: .answer) }) { fake, task, branch, publisher, postgres in
            let first = try #require(await fake.refs["refs/heads/\(branch)"])
            await fake.submit(Self.review)
            try await publisher.publish(Self.feedback(on: task), source: .github)
            let iteration = try #require(try await harness.iterated(task, 1, postgres))
            #expect(iteration.status == "pushed", "\(iteration.reason ?? "")")
            let head = try #require(await fake.refs["refs/heads/\(branch)"])
            #expect(await fake.commits[head]?.parents == [first])
            #expect(await fake.comments.count == 1)
            #expect(iteration.answerURL == "https://github.test/acme/web/pull/1#issuecomment-9000")
        }
    }

    @Test func aPullRequestMergedMeanwhileDropsTheIteration() async throws {
        try await withPullRequest { fake, task, branch, publisher, postgres in
            let first = try #require(await fake.refs["refs/heads/\(branch)"])
            await fake.submit(Self.review)
            await fake.close(1, merged: true)
            try await publisher.publish(Self.feedback(on: task), source: .github)
            let iteration = try #require(try await harness.iterated(task, 1, postgres))
            #expect(iteration.status == "dropped")
            #expect(iteration.reason == "the pull request was merged first")
            #expect(await fake.refs["refs/heads/\(branch)"] == first)
            #expect(await fake.comments.isEmpty)
        }
    }

    @Test func aReviewForATaskCodegenNeverRanIsADeadLetterAtOnce() async throws {
        try await withGitHub { fake, host, _ in
            try await harness.withCodegen(agent: harness.iteratingAgent, host: host) { publisher, _, redis in
                try await publisher.publish(Self.feedback(on: UUID().uuidString.lowercased()), source: .github)
                var letters: [DeadLetters.Letter] = []
                #expect(try await eventually {
                    letters = try await DeadLetters(redis: redis, group: harness.group).list()
                    return !letters.isEmpty
                })
                #expect(letters.first?.errorCode == "unknown_task" && letters.first?.attempts == 1, "\(letters)")
                #expect(await fake.requests.isEmpty, "GitHub is not asked about a review of no task's pull request")
            }
        }
    }

    @Test func pastTheLimitThePullRequestIsToldOnceThatAPersonTakesOver() async throws {
        try await withPullRequest(maxIterations: 0) { fake, task, _, publisher, postgres in
            await fake.submit(Self.review)
            try await publisher.publish(Self.feedback(on: task), source: .github)
            try await publisher.publish(CodegenFeedbackSubmitted(taskID: task, feedback: harness.feedback("And this?")), source: .console)
            #expect(try await eventually {
                try await harness.feedback(of: task, "refused", postgres) == 2
            })
            #expect(try await eventually {
                try await harness.count("SELECT count(*)::int FROM codegen.tasks WHERE task_id = $1 AND hand_over_answered", task, postgres) == 1
            })
            let comments = await fake.comments
            #expect(comments.count == 1)
            #expect(comments.first?.body.contains("a person takes over from here") == true)
            #expect(try await harness.count("SELECT count(*)::int FROM codegen.iterations WHERE task_id = $1", task, postgres) == 0)
        }
    }
}
