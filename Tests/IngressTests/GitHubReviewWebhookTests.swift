import Codegen
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Ingress
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusPostgres
import KinexusRedis
import KinexusTestSupport
import Logging
import PostgresNIO
import Testing

/// Reviews and comments on a task's pull request through `POST /webhooks/github`, GitHub's own payloads.
@Suite(.serialized)
struct GitHubReviewWebhookTests {
    static let secret = "github-secret"
    static let feedback = Topic(source: "kinexus.github", detailType: CodegenFeedbackSubmitted.detailType).streamKey
    let redis: RedisClient
    let logger = Logger(label: "test")
    /// Each test's own pull request number, so that tests sharing the database never see each other's task.
    let number = Int.random(in: 100_000...900_000_000)
    let taskID = UUID().uuidString.lowercased()

    init() throws {
        redis = try TestEnvironment.redisClient()
    }

    /// A task of codegen's that opened `Codertocat/Hello-World#number`, in the chain `correlation`.
    func withTask(correlation: String, _ body: @escaping @Sendable (any TestClientProtocol, IngressHarness) async throws -> Void)
        async throws
    {
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.run() }
            try await MigrationRunner(client: postgres, logger: logger).run(try CodegenWorker.migrations())
            try await postgres.query("""
                INSERT INTO codegen.tasks (task_id, title, repository, base_branch, branch, status, run_id, consumer, correlation_id)
                VALUES (\(taskID), 'Greeting', 'codertocat/hello-world', 'main', 'kinexus/task-x', 'completed', \(UUID()), 'c', \(correlation))
                """, logger: logger)
            try await postgres.query("""
                INSERT INTO codegen.pull_requests (task_id, repository, branch, base_branch, title, body, url, external_number, files,
                                                   files_changed, insertions, deletions, diff_stat)
                VALUES (\(taskID), 'codertocat/hello-world', 'kinexus/task-x', 'main', 'Greeting', '', 'https://github.test/pull', \(number),
                        \(["a.txt"]), 1, 1, 0, '1 file changed')
                """, logger: logger)
            group.cancelAll()
        }
        let harness = IngressHarness(redis: redis)
        try await harness.run(environment: ["KINEXUS_GITHUB_WEBHOOK_SECRET": Self.secret, "KINEXUS_GITHUB_LOGIN": "kinexus-bot"]) {
            try await body($0, harness)
        }
    }

    /// A GitHub fixture on this test's pull request, with `changes`.
    func payload(_ name: String, _ changes: [([String], JSONValue)]) throws -> [UInt8] {
        let place: [([String], JSONValue)] = name == GitHubFixtures.comment
            ? [(["issue", "number"], .number(Double(number))), (["issue", "pull_request"], ["merged_at": .null])]
            : [(["pull_request", "number"], .number(Double(number)))]
        return Array(GitHubFixtures.setting(place + changes, in: try GitHubFixtures.load(name)).jsonText.utf8)
    }

    func post(_ client: any TestClientProtocol, _ body: [UInt8], event: String, delivery: String = UUID().uuidString) async throws
        -> JSONValue
    {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name("X-GitHub-Event")!] = event
        headers[HTTPField.Name("X-GitHub-Delivery")!] = delivery
        headers[HTTPField.Name("X-Hub-Signature-256")!] = WebhookSignature.sign(body, secret: Self.secret)
        return try await client.execute(uri: "/webhooks/github", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            #expect(response.status == .ok)
            return (try? JSONValue(parsing: Array(buffer: response.body))) ?? .null
        }
    }

    static let changesRequested: [([String], JSONValue)] = [(["review", "state"], "changes_requested"), (["review", "body"], "Two things.")]

    @Test func aReviewRequestingChangesIsFeedbackForTheTaskInItsChain() async throws {
        let correlation = UUID().uuidString.lowercased()
        try await withTask(correlation: correlation) { client, harness in
            let delivery = UUID().uuidString
            let answer = try await post(client, try payload(GitHubFixtures.review, Self.changesRequested), event: "pull_request_review",
                                        delivery: delivery)
            #expect(answer["accepted"] == true && answer["reason"] == "Codertocat requested changes")
            let id = try #require(answer["event_id"]?.stringValue)
            #expect(id == EventID.derived(from: "github-review:codertocat/hello-world#\(number)/237895671"))
            let entries = StreamEntry.parseEntries(try await redis.send("XREVRANGE", Self.feedback, "+", "-", "COUNT", "100"),
                                                   stream: Self.feedback).filter { (try? $0.envelope().id) == id }
            #expect(entries.count == 1)
            #expect(entries.first?.correlationID == correlation, "the feedback continues the task's chain")
            let submitted = try #require(try entries.first?.envelope().decodeDetail(as: CodegenFeedbackSubmitted.self))
            #expect(submitted.taskID == taskID)
            #expect(submitted.feedback.reviewID == 237895671 && submitted.feedback.body == "Two things.")
            // The same delivery again is a repeat; the review under a new delivery id carries the same event id,
            // which codegen records once.
            #expect(try await post(client, try payload(GitHubFixtures.review, Self.changesRequested), event: "pull_request_review",
                                   delivery: delivery)["duplicate"] == true)
            let again = try await post(client, try payload(GitHubFixtures.lineComment, [(["comment", "body"], "@kinexus and here")]),
                                       event: "pull_request_review_comment")
            #expect(again["event_id"]?.stringValue == id)
            #expect(try await harness.published(on: Self.feedback, id: id).allSatisfy { $0.detailType == "CodegenFeedbackSubmitted" })
        }
    }

    @Test func aCommentMentioningKinexusOnThePullRequestIsFeedback() async throws {
        try await withTask(correlation: UUID().uuidString) { client, _ in
            let answer = try await post(client, try payload(GitHubFixtures.comment, [(["comment", "body"], "@kinexus add a test")]),
                                        event: "issue_comment")
            #expect(answer["accepted"] == true && answer["reason"] == "Codertocat's comment mentions @kinexus")
        }
    }

    @Test func whatDoesNotAskKinexusIsAnsweredWithTheReason() async throws {
        try await withTask(correlation: UUID().uuidString) { client, _ in
            func reason(_ name: String, _ changes: [([String], JSONValue)], _ event: String) async throws -> String? {
                let answer = try await post(client, try payload(name, changes), event: event)
                #expect(answer["accepted"] == false)
                return answer["reason"]?.stringValue
            }
            let review = "pull_request_review"
            #expect(try await reason(GitHubFixtures.review, Self.changesRequested + [(["review", "author_association"], "NONE")], review)
                == "Codertocat (NONE) may not ask Kinexus for changes")
            #expect(try await reason(GitHubFixtures.review, Self.changesRequested + [(["pull_request", "number"], .number(Double(number + 1)))],
                                     review) == "Codertocat/Hello-World#\(number + 1) is not a pull request a Kinexus task opened")
            #expect(try await reason(GitHubFixtures.review, Self.changesRequested + [(["pull_request", "state"], "closed"),
                                                                                      (["pull_request", "merged_at"], "2026-12-01T00:00:00Z")],
                                     review) == "the pull request is merged")
            #expect(try await reason(GitHubFixtures.comment,
                                     [(["comment", "body"], "@kinexus thanks"), (["comment", "user", "login"], "kinexus-bot")],
                                     "issue_comment") == "Kinexus's own comment")
            #expect(try await reason(GitHubFixtures.review, [(["action"], "dismissed")], review)
                == "pull_request_review action 'dismissed' is not evaluated")
            let entries = StreamEntry.parseEntries(try await redis.send("XRANGE", Self.feedback, "-", "+"), stream: Self.feedback)
            #expect(!entries.contains { (try? $0.envelope().decodeDetail(as: CodegenFeedbackSubmitted.self).taskID) == taskID })
        }
    }
}
