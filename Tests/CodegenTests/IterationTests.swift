@testable import Codegen
import CodegenRules
import Foundation
import GitHub
import KinexusBus
import KinexusEvents
import KinexusRedis
import KinexusTestSupport
import PostgresNIO
import Synchronization
import Testing

/// Feedback on a task's pull request through the codegen worker on the bus: iterations on the task's branch
/// in a local bare repository, real git, scripted agents.
@Suite(.serialized)
struct IterationTests {
    let harness = CodegenHarness(redisDatabase: 11)

    var agent: CommandAgent { harness.iteratingAgent }

    /// A completed task of the agent's first run, and its branch.
    func completedTask(_ publisher: EventPublisher, _ postgres: PostgresClient) async throws -> (id: String, branch: String) {
        let request = harness.request()
        try await publisher.publish(request, source: .stories)
        let task = try #require(try await harness.finished(request.taskID, postgres))
        #expect(task.status == "completed", "\(task.error ?? "")")
        return (request.taskID, "kinexus/task-\(request.taskID.prefix(8))")
    }

    func ask(_ body: String, on task: String, _ publisher: EventPublisher, id: String = UUID().uuidString.lowercased()) async throws {
        try await publisher.publish(CodegenFeedbackSubmitted(taskID: task, feedback: harness.feedback(body)), source: .console, id: id)
    }

    @Test func feedbackBecomesACommitOnTopOfTheBranchThatAnswersIt() async throws {
        try await harness.withCodegen(agent: agent) { publisher, postgres, redis in
            let (task, branch) = try await completedTask(publisher, postgres)
            let first = try await harness.inRepository("rev-parse", branch)
            try await ask("Rename greet to welcome.\nKeep the old name as an alias.", on: task, publisher)
            let iteration = try #require(try await harness.iterated(task, 1, postgres))
            #expect(iteration.status == "pushed", "\(iteration.reason ?? "")")
            #expect(iteration.transcript == "answered iteration 1\n")
            #expect(iteration.feedback.map(\.body) == ["Rename greet to welcome.\nKeep the old name as an alias."])
            // On top of the first commit, never replacing it; TASK.md gave the agent the feedback.
            #expect(try await harness.inRepository("rev-parse", "\(branch)~1") == first)
            #expect(try await harness.inRepository("rev-parse", branch).trimmingCharacters(in: .whitespacesAndNewlines) == iteration.commit)
            let review = try await harness.inRepository("show", "\(branch):review-1.md")
            #expect(review.contains("### ana asked in the console"))
            #expect(review.contains("> Rename greet to welcome.\n> Keep the old name as an alias."))
            #expect(try await harness.inRepository("show", "\(branch):first.txt") == "first\n")
            #expect(try await harness.inRepository("log", "-1", "--format=%B", branch).contains("Kinexus-Iteration: 1"))
            let answer = try #require(iteration.answer)
            #expect(answer.contains("Pushed `\(iteration.commit?.prefix(12) ?? "")` on `\(branch)`: 1 file changed"))
            #expect(answer.contains("http://kinexus.test/console/tasks/\(task)"))
            #expect(iteration.answerURL == nil, "a local pull request takes no comments")
            let finished = try await harness.published(CodegenIterationFinished.self, redis) { $0.taskID == task }
            #expect(finished?.outcome == "pushed" && finished?.commit == iteration.commit && finished?.iteration == 1)
            #expect(try await harness.published(CodegenStarted.self, redis) { $0.taskID == task && $0.iteration == 1 } != nil)
        }
    }

    @Test func theSameFeedbackDeliveredTwiceMakesOneIteration() async throws {
        try await harness.withCodegen(agent: agent) { publisher, postgres, redis in
            let (task, _) = try await completedTask(publisher, postgres)
            // Twice on the stream, past the publisher's own de-duplication, as a redelivery or a replay would.
            let envelope = try publisher.envelope(CodegenFeedbackSubmitted(taskID: task, feedback: harness.feedback("Add a test.")),
                                                  source: .console, id: UUID().uuidString.lowercased())
            _ = try await publisher.publish([.init(envelope: envelope), .init(envelope: envelope)])
            #expect(try await harness.iterated(task, 1, postgres)?.status == "pushed")
            #expect(await harness.handled(Topic(source: "kinexus.console", detailType: CodegenFeedbackSubmitted.detailType).streamKey, redis))
            #expect(await harness.handled(Topic(source: "kinexus.codegen", detailType: CodegenIterationRequested.detailType).streamKey, redis))
            #expect(try await harness.count("SELECT count(*)::int FROM codegen.iterations WHERE task_id = $1", task, postgres) == 1)
            #expect(try await harness.count("SELECT count(*)::int FROM codegen.feedback WHERE task_id = $1", task, postgres) == 1)
        }
    }

    @Test func feedbackArrivingWhileAnIterationRunsIsTakenTogetherByTheNext() async throws {
        try await harness.withCodegen(agent: agent) { publisher, postgres, _ in
            try FileManager.default.createDirectory(atPath: harness.data, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: harness.data + "/hold", contents: nil))
            let (task, branch) = try await completedTask(publisher, postgres)
            try await ask("First point.", on: task, publisher)
            #expect(try await eventually { try await harness.iteration(task, 1, postgres)?.status == "processing" })
            try await ask("Second point.", on: task, publisher)
            try await ask("Third point.", on: task, publisher)
            #expect(try await eventually {
                try await harness.feedback(of: task, "queued", postgres) == 2
            })
            #expect(FileManager.default.createFile(atPath: harness.data + "/release", contents: nil))
            #expect(try await harness.iterated(task, 1, postgres)?.feedback.map(\.body) == ["First point."])
            let second = try #require(try await harness.iterated(task, 2, postgres))
            #expect(second.status == "pushed")
            #expect(second.feedback.map(\.body) == ["Second point.", "Third point."])
            let review = try await harness.inRepository("show", "\(branch):review-2.md")
            #expect(review.contains("> Second point.") && review.contains("> Third point."))
            #expect(try await harness.inRepository("rev-list", "--count", branch).trimmingCharacters(in: .whitespacesAndNewlines) == "4")
            #expect(try await harness.count("SELECT count(*)::int FROM codegen.iterations WHERE task_id = $1", task, postgres) == 2)
        }
    }

    @Test func pastTheLimitFeedbackIsRefusedAndAPersonTakesOver() async throws {
        try await harness.withCodegen(agent: agent, maxIterations: 1) { publisher, postgres, _ in
            let (task, branch) = try await completedTask(publisher, postgres)
            try await ask("One.", on: task, publisher)
            #expect(try await harness.iterated(task, 1, postgres)?.status == "pushed")
            try await ask("Two.", on: task, publisher)
            #expect(try await eventually {
                try await harness.count("""
                    SELECT count(*)::int FROM codegen.tasks WHERE task_id = $1 AND handed_over_at IS NOT NULL AND hand_over_answered
                    """, task, postgres) == 1
            })
            try await ask("Three.", on: task, publisher)
            #expect(try await eventually {
                try await harness.feedback(of: task, "refused", postgres) == 2
            })
            #expect(try await harness.count("SELECT count(*)::int FROM codegen.iterations WHERE task_id = $1", task, postgres) == 1)
            #expect(try await harness.inRepository("rev-list", "--count", branch).trimmingCharacters(in: .whitespacesAndNewlines) == "3")
        }
    }

    @Test func anAgentThatChangesNothingLeavesTheBranchAndSaysSo() async throws {
        let agent = harness.scripted("grep -q '^## Review feedback' TASK.md || echo first > first.txt; echo looked")
        try await harness.withCodegen(agent: agent) { publisher, postgres, _ in
            let (task, branch) = try await completedTask(publisher, postgres)
            let head = try await harness.inRepository("rev-parse", branch)
            try await ask("Is this fine?", on: task, publisher)
            let iteration = try #require(try await harness.iterated(task, 1, postgres))
            #expect(iteration.status == "unchanged" && iteration.commit == nil)
            #expect(iteration.answer?.contains("The agent found nothing to change for this feedback, so there is no new commit.") == true)
            #expect(try await harness.inRepository("rev-parse", branch) == head)
        }
    }

    @Test func aFailingAgentsIterationFailsAndSaysWhy() async throws {
        let agent = harness.scripted("grep -q '^## Review feedback' TASK.md || { echo first > first.txt; exit 0; }; echo 'no model' >&2; exit 3")
        try await harness.withCodegen(agent: agent) { publisher, postgres, _ in
            let (task, _) = try await completedTask(publisher, postgres)
            try await ask("Fix it.", on: task, publisher)
            let iteration = try #require(try await harness.iterated(task, 1, postgres))
            #expect(iteration.status == "failed")
            #expect(iteration.reason == "the agent exited with status 3: no model")
            #expect(iteration.answer?.contains("nothing was pushed: the agent exited with status 3: no model") == true)
        }
    }

    @Test func aRunThatDiesAfterPushingIsFinishedWithoutASecondCommit() async throws {
        let local = LocalRepositories(root: try harness.settings().repositories)
        try await harness.withCodegen(agent: agent, host: DyingHost(local, after: .push)) { publisher, postgres, _ in
            let (task, branch) = try await completedTask(publisher, postgres)
            try await ask("Once only.", on: task, publisher)
            let iteration = try #require(try await harness.iterated(task, 1, postgres))
            #expect(iteration.status == "pushed", "\(iteration.reason ?? "")")
            #expect(try await harness.inRepository("rev-list", "--count", branch).trimmingCharacters(in: .whitespacesAndNewlines) == "3")
            #expect(try await harness.inRepository("rev-parse", branch).trimmingCharacters(in: .whitespacesAndNewlines) == iteration.commit)
            // The agent ran for the first run and once for the iteration; the answer names the pushed commit.
            #expect(try String(contentsOfFile: harness.data + "/runs", encoding: .utf8) == "run\nrun\n")
            #expect(iteration.answer?.contains("1 file changed") == true)
            #expect(iteration.transcript == "answered iteration 1\n", "the run that pushed kept the transcript")
        }
    }

    @Test func aRedeliveredIterationAnnouncesTheNextOneItsDeadRunDidNot() async throws {
        try await harness.withCodegen(agent: agent) { publisher, postgres, _ in
            let (task, branch) = try await completedTask(publisher, postgres)
            try await ask("First.", on: task, publisher)
            #expect(try await harness.iterated(task, 1, postgres)?.status == "pushed")
            // Iteration 2 recorded as queued, as by a run that died before publishing it; then iteration 1 delivered again.
            let feedback = String(decoding: try JSONEncoder().encode([harness.feedback("Second.")]), as: UTF8.self)
            try await postgres.query("""
                INSERT INTO codegen.iterations (task_id, number, status, feedback) VALUES (\(task), 2, 'queued', \(feedback)::jsonb)
                """, logger: harness.logger)
            let again = try publisher.envelope(CodegenIterationRequested(taskID: task, iteration: 1, feedback: []), source: .codegen)
            _ = try await publisher.publish([.init(envelope: again)])
            let second = try #require(try await harness.iterated(task, 2, postgres))
            #expect(second.status == "pushed" && second.feedback.map(\.body) == ["Second."])
            #expect(try await harness.inRepository("show", "\(branch):review-2.md").contains("> Second."))
        }
    }

    @Test func feedbackOnATaskWithoutAPullRequestIsRefused() async throws {
        try await harness.withCodegen(agent: harness.scripted("exit 1")) { publisher, postgres, _ in
            let request = harness.request()
            try await publisher.publish(request, source: .stories)
            #expect(try await harness.finished(request.taskID, postgres)?.status == "failed")
            try await ask("Anything.", on: request.taskID, publisher)
            #expect(try await eventually {
                try await harness.count("""
                    SELECT count(*)::int FROM codegen.feedback WHERE task_id = $1 AND status = 'refused'
                        AND reason = 'the task has no pull request (it is failed)'
                    """, request.taskID, postgres) == 1
            })
            #expect(try await harness.count("SELECT count(*)::int FROM codegen.iterations WHERE task_id = $1", request.taskID, postgres) == 0)
        }
    }
}

/// A code host whose replica dies once, right after its first push or its first answer: that step is done,
/// nothing after it is.
struct DyingHost: CodeHost {
    enum Step: Sendable { case push, answer }

    final class Death: Sendable {
        let happened = Mutex(false)

        /// True the first time only.
        func comes() -> Bool { happened.withLock { happened in defer { happened = true }; return !happened } }
    }

    let host: any CodeHost
    let step: Step
    let death = Death()

    init(_ host: any CodeHost, after step: Step) {
        self.host = host
        self.step = step
    }

    struct Died: Error {}

    var gitAuthorization: String? { host.gitAuthorization }
    func refusal(of repository: String) -> String? { host.refusal(of: repository) }
    func cloneSource(repository: String) async throws -> String { try await host.cloneSource(repository: repository) }
    func openPullRequest(_ commit: String, from workspace: Workspace, repository: String, brief: TaskBrief, body: String)
        async throws -> OpenedPullRequest
    {
        try await host.openPullRequest(commit, from: workspace, repository: repository, brief: brief, body: body)
    }
    func state(of pullRequest: Int?) async throws -> GitHubClient.PullRequestState { try await host.state(of: pullRequest) }
    func review(_ id: Int, of pullRequest: Int?) async throws -> GitHubClient.Review? { try await host.review(id, of: pullRequest) }

    func pushOnTop(_ commit: String, from workspace: Workspace, message: String) async throws -> String {
        let pushed = try await host.pushOnTop(commit, from: workspace, message: message)
        if step == .push, death.comes() { throw Died() }
        return pushed
    }

    func answer(_ body: String, mark: String, on pullRequest: Int?) async throws -> String? {
        let posted = try await host.answer(body, mark: mark, on: pullRequest)
        if step == .answer, death.comes() { throw Died() }
        return posted
    }
}
