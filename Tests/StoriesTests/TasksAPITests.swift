@testable import Codegen
import CodegenRules
import Foundation
import Hummingbird
import HummingbirdTesting
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusPostgres
import KinexusRedis
import KinexusServiceKit
import KinexusTestSupport
import Logging
import PostgresNIO
@testable import Stories
import Testing

/// The Kiro-compatible task API through the router, on the test Postgres and Redis (database 6); the
/// codegen service's side is played by its `TaskStore`.
struct TasksAPITests {
    let api = StoriesAPITests()
    let logger = Logger(label: "test")
    static let redisDatabase = 6
    let requested = Topic(source: "kinexus.stories", detailType: "CodegenRequested").streamKey

    func withAPI(
        _ body: @escaping @Sendable (any TestClientProtocol, PostgresClient, RedisClient) async throws -> Void
    ) async throws {
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        let redis = try RedisClient(url: try TestEnvironment.redisURL(database: Self.redisDatabase))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            try await MigrationRunner(client: postgres, logger: logger).run(try StoryStore.migrations())
            try await MigrationRunner(client: postgres, logger: logger).run(try CodegenWorker.migrations())
            let router = ServiceRuntime.router(logger: logger)
            let stories = StoryStore(client: postgres, logger: logger)
            let api = router.group().add(middleware: APITokenAuthentication(apiToken: StoriesAPITests.token))
            api.addRoutes(StoriesAPI(store: stories, invest: InvestReviewer(model: nil, logger: logger)).routes)
            api.addRoutes(TasksAPI(tasks: TaskRequests(client: postgres, logger: logger), stories: stories,
                                   publisher: EventPublisher(redis: redis, account: "000000000000", region: "local"),
                                   target: CodegenTarget(repository: "acme/web", baseBranch: "main"), logger: logger).routes)
            try await Application(router: router).test(.router) { client in try await body(client, postgres, redis) }
            tasks.cancelAll()
        }
        await redis.shutdown()
    }

    func published(_ taskID: String, _ redis: RedisClient) async throws -> CodegenRequested? {
        let entries = StreamEntry.parseEntries(try await redis.send("XREVRANGE", requested, "+", "-", "COUNT", "200"), stream: requested)
        return entries.compactMap { try? $0.envelope().decodeDetail(as: CodegenRequested.self) }.first { $0.taskID == taskID }
    }

    func brief(_ request: CodegenRequested) -> TaskBrief {
        TaskBrief(request: request, baseBranch: request.baseBranch ?? "main", timeout: .seconds(300))
    }

    @Test func aSubmittedTaskIsPendingAtOnceThenFollowsTheCodegenService() async throws {
        try await withAPI { client, postgres, redis in
            let submitted = try await api.send(client, .post, "/api/chat", ["message": "Add a health endpoint", "session_id": "s-1"])
            #expect(submitted.status == .accepted)
            #expect(submitted.json["status"] == "pending")
            let taskID = try #require(submitted.json["task_id"]?.stringValue)

            #expect(try await api.send(client, .get, "/api/task/\(taskID)", token: nil).status == .unauthorized)
            let pending = try await api.send(client, .get, "/api/task/\(taskID)")
            #expect(pending.status == .ok)
            #expect(pending.json["status"] == "pending")
            #expect(pending.json["message"] == "Add a health endpoint")
            #expect(pending.json["session_id"] == "s-1")
            #expect(pending.json["created_at"]?.stringValue != nil)

            let request = try #require(try await published(taskID, redis))
            #expect(request.prompt == "Add a health endpoint")
            #expect(request.repository == "acme/web" && request.baseBranch == "main")

            let store = TaskStore(client: postgres, logger: logger)
            let run = UUID()
            _ = try await store.start(brief(request), repository: "acme/web", run: run, consumer: "codegen-1",
                                    chain: EventChain(correlationID: "c-1", traceparent: nil, tracestate: nil))
            #expect(try await api.send(client, .get, "/api/task/\(taskID)").json["status"] == "processing")
            let health = try await api.send(client, .get, "/api/codegen/health")
            #expect((health.json["active_sessions"]?.intValue ?? 0) >= 1)

            // A replica that stopped refreshing its session: the task waits to be picked up again.
            try await postgres.query("UPDATE codegen.sessions SET heartbeat_at = now() - interval '5 minutes' WHERE run_id = \(run)",
                                     logger: logger)
            #expect(try await api.send(client, .get, "/api/task/\(taskID)").json["status"] == "pending")

            let stat = DiffStat(numstat: "12\t0\tSources/Health.swift\n")
            let url = try await store.complete(
                brief(request), run: run,
                pullRequest: .init(repository: "acme/web", title: "Add a health endpoint", body: "b", url: nil, externalNumber: nil,
                                   diffStat: stat),
                localURL: { "http://kinexus.test/api/codegen/pulls/\($0)" }, transcript: "done")
            let completed = try await api.send(client, .get, "/api/task/\(taskID)")
            #expect(completed.json["status"] == "completed")
            #expect(completed.json["transcript"] == "done")
            #expect(completed.json["branch"] == .string(brief(request).branch))
            #expect(completed.json["result"]?["pull_request"]?["url"] == .string(try #require(url)))
            #expect(completed.json["result"]?["pull_request"]?["files"] == ["Sources/Health.swift"])
            #expect(completed.json["completed_at"]?.stringValue != nil)

            let number = try #require(url?.split(separator: "/").last.map(String.init))
            let pull = try await api.send(client, .get, "/api/codegen/pulls/\(number)")
            #expect(pull.status == .ok)
            #expect(pull.json["task_id"] == .string(taskID))
            #expect(pull.json["diff_stat"] == "1 file changed, 12 insertions(+), 0 deletions(-)")
        }
    }

    @Test func changesAreAskedForOnATaskWithItsPullRequestInTheTasksChain() async throws {
        try await withAPI { client, postgres, redis in
            let submitted = try await api.send(client, .post, "/api/chat", ["message": "Add a health endpoint"])
            let taskID = try #require(submitted.json["task_id"]?.stringValue)
            #expect(try await api.send(client, .post, "/api/task/\(taskID)/changes", ["comment": "Rename it."]).status == .conflict,
                    "no pull request yet")
            let request = try #require(try await published(taskID, redis))
            let store = TaskStore(client: postgres, logger: logger)
            let run = UUID(), chain = EventChain(correlationID: "chain-\(taskID)", traceparent: nil, tracestate: nil)
            _ = try await store.start(brief(request), repository: "acme/web", run: run, consumer: "codegen-1", chain: chain)
            _ = try await store.complete(
                brief(request), run: run,
                pullRequest: .init(repository: "acme/web", title: "t", body: "b", url: nil, externalNumber: nil,
                                   diffStat: DiffStat(numstat: "1\t0\ta.txt\n")),
                localURL: { "http://kinexus.test/api/codegen/pulls/\($0)" }, transcript: "done")
            #expect(try await api.send(client, .post, "/api/task/\(taskID)/changes", ["comment": "  "]).status == .badRequest)
            #expect(try await api.send(client, .post, "/api/task/\(UUID())/changes", ["comment": "x"]).status == .notFound)
            let asked = try await api.send(client, .post, "/api/task/\(taskID)/changes", ["comment": "Rename it.", "author": "ana"])
            #expect(asked.status == .accepted && asked.json["status"] == "queued")
            let stream = Topic(source: "kinexus.console", detailType: CodegenFeedbackSubmitted.detailType).streamKey
            let entries = StreamEntry.parseEntries(try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", "200"), stream: stream)
            let entry = try #require(entries
                .first { (try? $0.envelope().decodeDetail(as: CodegenFeedbackSubmitted.self).taskID) == taskID })
            #expect(try entry.envelope().decodeDetail(as: CodegenFeedbackSubmitted.self).feedback
                == CodeFeedback(origin: "console", author: "ana", body: "Rename it."))
            #expect(entry.correlationID == chain.correlationID)
        }
    }

    @Test func generatingAStorySendsTheStoryItsTestsAndTheTarget() async throws {
        try await withAPI { client, _, redis in
            let story = try await api.send(client, .post, "/api/stories", api.good("Export orders \(UUID().uuidString.prefix(6))"))
            let storyID = try #require(story.json["story"]?["id"]?.stringValue)
            let test: JSONValue = ["title": "CSV download", "given": ["a shop with 3 orders"], "when": ["the owner exports"],
                                   "then": ["a CSV file with 3 rows is downloaded"]]
            #expect(try await api.send(client, .post, "/api/stories/\(storyID)/tests", test).status == .created)

            let generated = try await api.send(client, .post, "/api/stories/\(storyID)/generate", ["base_branch": "develop"])
            #expect(generated.status == .accepted)
            #expect(generated.json["story_id"] == .string(storyID))
            let taskID = try #require(generated.json["task_id"]?.stringValue)
            let request = try #require(try await published(taskID, redis))
            #expect(request.storyID == storyID)
            #expect(request.baseBranch == "develop" && request.repository == "acme/web")
            #expect(request.acceptanceTests == [AcceptanceCriterion(
                title: "CSV download", given: ["a shop with 3 orders"], when: ["the owner exports"],
                then: ["a CSV file with 3 rows is downloaded"])])
            #expect(request.prompt.contains("As shop owner, I want to download my orders as a CSV file, so that my accountant can import them."))
            #expect(request.prompt.contains("1. CSV download\n   Given a shop with 3 orders\n   When the owner exports\n   Then a CSV file with 3 rows is downloaded"))
            #expect(request.prompt.contains("Repository: acme/web, base branch develop."))
            #expect(try await api.send(client, .get, "/api/task/\(taskID)").json["story_id"] == .string(storyID))

            // With no body at all, the configured target.
            let plain = try await api.send(client, .post, "/api/stories/\(storyID)/generate")
            #expect(plain.status == .accepted)
        }
    }

    @Test func badInputUnknownIdsAndMissingTokensAreRefused() async throws {
        try await withAPI { client, _, _ in
            #expect(try await api.send(client, .post, "/api/chat", ["message": "x"], token: nil).status == .unauthorized)
            #expect(try await api.send(client, .post, "/api/chat", ["message": "x"], token: "wrong").status == .unauthorized)
            let empty = try await api.send(client, .post, "/api/chat", ["message": "  "])
            #expect(empty.status == .badRequest)
            #expect(empty.json["error"] == "'message' is empty")
            #expect(try await api.send(client, .post, "/api/chat", ["prompt": "x"]).status == .badRequest)
            let repository = try await api.send(client, .post, "/api/chat", ["message": "x", "repository": "../../etc"])
            #expect(repository.json["error"] == "'repository' must be owner/name")
            let branch = try await api.send(client, .post, "/api/chat", ["message": "x", "base_branch": "--upload-pack=evil"])
            #expect(branch.json["error"] == "'base_branch' is not a git branch name")
            let huge = try await api.send(client, .post, "/api/chat", ["message": .string(String(repeating: "x", count: 100_001))])
            #expect(huge.status == .badRequest)
            #expect(try await api.send(client, .get, "/api/task/\(UUID())").status == .notFound)
            #expect(try await api.send(client, .get, "/api/task/not-a-uuid").status == .notFound)
            #expect(try await api.send(client, .post, "/api/stories/\(UUID())/generate").status == .notFound)
            #expect(try await api.send(client, .get, "/api/codegen/pulls/999999999").status == .notFound)
        }
    }
}
