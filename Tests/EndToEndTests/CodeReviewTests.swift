import Codegen
import FakeServices
import Foundation
import KinexusJSON
import KinexusRedis
import KinexusTestSupport
import Synchronization
import Testing

/// Code review reaching the agent, with the ingress and codegen as real processes and GitHub faked: a
/// story's pull request, a review requesting changes with two line comments on it, and the next commit on the
/// same branch with one answer. A part of CodeGenerationTests, whose Redis database and group it shares.
extension CodeGenerationTests {
    /// The first run writes first.txt; an iteration copies the feedback TASK.md gives it into review-<n>.md.
    /// With `HANG_ONCE` set, the first iteration's first run records its process group there and hangs.
    static let iteratingAgent = """
        if grep -q '^## Review feedback' TASK.md; then
          if [ -n "$HANG_ONCE" ] && [ ! -e "$HANG_ONCE" ]; then echo $$ > "$HANG_ONCE"; sleep 60; fi
          n=$(sed -n 's/^## Review feedback (iteration \\([0-9]*\\))$/\\1/p' TASK.md)
          sed -n '/^## Review feedback/,/^## Constraints/p' TASK.md | grep -v '^## Constraints' > "review-$n.md"
          echo "answered iteration $n"
        else
          echo first > first.txt
        fi
        """

    /// GitHub faked over a bare repository, and a story's task whose pull request (#1) the ingress and codegen
    /// opened there.
    struct Review: Sendable {
        let fake: FakeGitHub
        let bare: String
        let ingress: String
        let taskID: String
        let branch: String
        let repository: String
        let environment: [String: String]
        let processes: StartedProcesses
        let collector: FakeCollector
    }

    func withReviewedPullRequest(
        extra: [String: String] = [:],
        _ body: @Sendable (Review, _ codegen: ChildProcess, _ startCodegen: @Sendable (String) async throws -> ChildProcess)
            async throws -> Void
    ) async throws {
        let collector = FakeCollector()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("kinexus-e2e-review-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        // A repository of its own: pull requests of other tests' fakes have the same numbers.
        let repository = "e2e/web-\(UUID().uuidString.prefix(8).lowercased())"
        let bare = try await LocalRepositories(root: data + "/github").cloneSource(repository: repository)
        let fake = FakeGitHub(token: "ghp_e2e", repository: repository, gitDirectory: bare)
        try await withFakeServer({ await fake.handle($0) }) { gitHubURL in
            try await withFakeServer({ await collector.handle($0) }) { collectorURL in
                let ingressPort = freePort()
                let ingress = "http://127.0.0.1:\(ingressPort)"
                let environment = [
                    "KINEXUS_REDIS_URL": try TestEnvironment.redisURL(database: Self.redisDatabase),
                    "KINEXUS_POSTGRES_URL": try TestEnvironment.postgresURL(), "KINEXUS_API_TOKEN": token, "KINEXUS_PUBLIC_URL": ingress,
                    "KINEXUS_DATA_DIR": data + "/codegen", "KINEXUS_GITHUB_TOKEN": "ghp_e2e", "KINEXUS_GITHUB_REPO": repository,
                    "KINEXUS_GITHUB_API_URL": gitHubURL, "KINEXUS_GITHUB_CLONE_URL": "file://" + bare,
                    "KINEXUS_CODEGEN_AGENT": Self.iteratingAgent, "KINEXUS_VISIBILITY_TIMEOUT": "2s", "KINEXUS_RETRY_BASE_DELAY": "100ms",
                    "OTEL_EXPORTER_OTLP_ENDPOINT": collectorURL, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_BSP_SCHEDULE_DELAY": "100",
                ].merging(extra) { $1 }
                let started = StartedProcesses()
                defer { started.stopAll() }
                @Sendable func start(_ service: String, port: Int, consumer: String) async throws -> ChildProcess {
                    let process = try ChildProcess(service: service, environment: environment.merging([
                        "KINEXUS_HTTP_PORT": String(port), "KINEXUS_CONSUMER_NAME": consumer,
                    ]) { $1 })
                    try process.start()
                    started.add(process)
                    let ready = await eventually(every: .milliseconds(100)) {
                        await request("http://127.0.0.1:\(port)/ready")?.status == 200
                    }
                    #expect(ready, "\(service) never became ready: \(process.output)")
                    return process
                }
                _ = try await start("ingress", port: ingressPort, consumer: "e2e-review-ingress")
                let first = try await start("codegen", port: freePort(), consumer: "e2e-review-codegen")

                let headers = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
                func post(_ path: String, _ body: JSONValue) async throws -> JSONValue {
                    let answer = try #require(await request(ingress + path, method: "POST", body: Data(body.jsonText.utf8), headers: headers))
                    return try JSONValue(parsing: Array(answer.body.utf8))
                }
                let story = try await post("/api/stories", [
                    "title": "Greet visitors", "as_a": "visitor", "i_want": "a greeting", "so_that": "I feel welcome", "story_points": 1,
                ])
                let task = try await post("/api/stories/\(try #require(story["story"]?["id"]?.stringValue))/generate", [:])
                let taskID = try #require(task["task_id"]?.stringValue)
                // Completed: the pull request is on GitHub and in codegen's record, where the ingress finds its task.
                let completed = await eventually(every: .milliseconds(100)) {
                    guard let answer = await request("\(ingress)/api/task/\(taskID)", headers: authorized),
                          let json = try? JSONValue(parsing: Array(answer.body.utf8)) else { return false }
                    return json["status"] == "completed"
                }
                let opened = await fake.pullRequests.count
                #expect(completed && opened == 1, "no pull request: \(first.output)")
                let review = Review(fake: fake, bare: bare, ingress: ingress, taskID: taskID, branch: "kinexus/story-\(taskID.prefix(8))",
                                    repository: repository, environment: environment, processes: started,
                                    collector: collector)
                try await body(review, first) { consumer in try await start("codegen", port: freePort(), consumer: consumer) }
            }
        }
    }

    /// GitHub's review webhook for the pull request: changes requested, with the review's line comments on GitHub.
    static func reviewWebhook(on repository: String) throws -> Data {
        Data(GitHubFixtures.setting([
            (["repository", "full_name"], .string(repository)), (["pull_request", "number"], 1), (["review", "id"], 77),
            (["review", "state"], "changes_requested"), (["review", "body"], "Two things."), (["review", "user", "login"], "ana"),
        ], in: try GitHubFixtures.load(GitHubFixtures.review)).jsonText.utf8)
    }

    static let review = FakeGitHub.Review(id: 77, pullRequest: 1, author: "ana", state: "changes_requested", body: "Two things.", comments: [
        .init(id: 501, path: "first.txt", line: 1, body: "Say hello here.", diffHunk: "@@ -0,0 +1 @@\n+first"),
        .init(id: 502, path: "README.md", line: 3, body: "And thank the reader.", diffHunk: "@@ -1,3 +1,3 @@\n # Repository"),
    ])

    func deliver(_ review: Review, delivery: String = UUID().uuidString) async throws -> JSONValue {
        let body = try Self.reviewWebhook(on: review.repository)
        let answer = try #require(await request(review.ingress + "/webhooks/github", method: "POST", body: body, headers: [
            "Content-Type": "application/json", "X-GitHub-Event": "pull_request_review", "X-GitHub-Delivery": delivery,
        ]))
        #expect(answer.status == 200, "\(answer.body)")
        return try JSONValue(parsing: Array(answer.body.utf8))
    }

    @Test func aReviewOnThePullRequestBecomesItsNextCommitAndOneAnswer() async throws {
        try await withReviewedPullRequest { review, _, _ in
            let first = try #require(await review.fake.refs["refs/heads/\(review.branch)"])
            await review.fake.submit(Self.review)
            let delivery = UUID().uuidString
            let accepted = try await deliver(review, delivery: delivery)
            #expect(accepted["accepted"] == true && accepted["reason"] == "ana requested changes")
            #expect(await eventually(every: .milliseconds(100)) { await review.fake.comments.count == 1 },
                    "\(review.processes.output)")
            let head = try #require(await review.fake.refs["refs/heads/\(review.branch)"])
            #expect(await review.fake.commits[head]?.parents == [first], "one commit on top of the first, the same branch")
            let file = try await Git(directory: review.bare).run("show", "\(head):review-1.md")
            #expect(file.contains("> Say hello here.") && file.contains("> And thank the reader."), "\(file)")
            #expect(await review.fake.comments.first?.body.contains("http://127.0.0.1") == true)

            // The same delivery, and the same review under a new delivery id: no second iteration.
            #expect(try await deliver(review, delivery: delivery)["duplicate"] == true)
            #expect(try await deliver(review)["accepted"] == true)
            let redis = try RedisClient(url: try TestEnvironment.redisURL(database: Self.redisDatabase))
            #expect(await handled("kinexus:ev:kinexus.github:CodegenFeedbackSubmitted", by: "codegen", redis))
            #expect(await handled("kinexus:ev:kinexus.codegen:CodegenIterationRequested", by: "codegen", redis))
            await redis.shutdown()
            #expect(await review.fake.comments.count == 1)
            #expect(await review.fake.refs["refs/heads/\(review.branch)"] == head)
            let task = try #require(await request("\(review.ingress)/api/task/\(review.taskID)", headers: authorized))
            let iterations = try JSONValue(parsing: Array(task.body.utf8))["iterations"]?.arrayValue ?? []
            #expect(iterations.count == 1 && iterations.first?["status"] == "pushed" && iterations.first?["commit"] == .string(head))

            // `kinexus trace` follows the chain from the story's request through the review to the new commit.
            let trace = try ChildProcess(executable: "kinexus", arguments: ["trace", try #require(accepted["event_id"]?.stringValue), "--json"],
                                         environment: review.environment)
            try trace.start()
            #expect(await trace.exitStatus(within: .seconds(30)) == 0, "\(trace.output)")
            let steps = trace.output.split(separator: "\n").compactMap { try? JSONValue(parsing: Array($0.utf8)) }
            let types = steps.compactMap { $0["detail_type"]?.stringValue }
            for expected in ["CodegenRequested", "CodegenCompleted", "CodegenFeedbackSubmitted", "CodegenIterationRequested",
                             "CodegenIterationFinished"] {
                #expect(types.contains(expected), "\(types)")
            }
            #expect(Set(steps.compactMap { $0["correlation_id"]?.stringValue }).count == 1, "one chain")

            // And one trace: the iteration's agent runs in the trace of the story's request, as the first run's did.
            var spans: [FakeCollector.Span] = []
            let exported = await eventually(every: .milliseconds(100)) {
                spans = await review.collector.spans.filter { $0.name.hasPrefix("invoke_agent") }
                return spans.count == 2
            }
            #expect(exported, "\(spans)")
            #expect(Set(spans.map(\.traceID)).count == 1, "\(spans)")
            #expect(spans.contains { $0.attributes["kinexus.iteration"] == "1" }, "\(spans)")
        }
    }

    @Test func codegenKilledDuringAnIterationIsFinishedOnceByAnother() async throws {
        let hang = FileManager.default.temporaryDirectory.appendingPathComponent("kinexus-e2e-hang-\(UUID().uuidString)").path
        defer {
            if let group = try? String(contentsOfFile: hang, encoding: .utf8),
               let pid = Int32(group.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(-pid, SIGKILL)
            }
            try? FileManager.default.removeItem(atPath: hang)
        }
        try await withReviewedPullRequest(extra: ["HANG_ONCE": hang]) { review, codegen, startCodegen in
            let first = try #require(await review.fake.refs["refs/heads/\(review.branch)"])
            await review.fake.submit(Self.review)
            #expect(try await deliver(review)["accepted"] == true)
            #expect(await eventually { FileManager.default.fileExists(atPath: hang) }, "the iteration never started")
            // The replica dies with its agent; another takes the iteration over.
            codegen.signal(SIGKILL)
            _ = try await startCodegen("e2e-review-survivor")
            #expect(await eventually(every: .milliseconds(100)) { await review.fake.comments.count == 1 })
            let head = try #require(await review.fake.refs["refs/heads/\(review.branch)"])
            #expect(await review.fake.commits[head]?.parents == [first], "exactly one commit")
            let redis = try RedisClient(url: try TestEnvironment.redisURL(database: Self.redisDatabase))
            #expect(await handled("kinexus:ev:kinexus.codegen:CodegenIterationRequested", by: "codegen", redis))
            await redis.shutdown()
            #expect(await review.fake.comments.count == 1, "exactly one answer")
            #expect(await review.fake.refs["refs/heads/\(review.branch)"] == head)
        }
    }
}

/// The processes a test starts, told to stop when it ends.
final class StartedProcesses: Sendable {
    private let processes = Mutex<[ChildProcess]>([])

    func add(_ process: ChildProcess) { processes.withLock { $0.append(process) } }

    func stopAll() { processes.withLock { for process in $0 { process.signal(SIGTERM) } } }

    /// What they wrote, for a failure's message.
    var output: String { processes.withLock { $0.map(\.output).joined(separator: "\n") } }
}
