import Atlassian
import ChangeIntake
import FakeServices
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
@testable import Ingress
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusRedis
import KinexusTestSupport
import Logging
import OutboundHTTP
import Testing

/// `POST /webhooks/approval`: Jira comments and transitions on review tickets become review decisions.
struct ApprovalWebhookRouteTests {
    static let decisions = Topic(source: "kinexus.approval", detailType: "ReviewDecisionSubmitted").streamKey
    let redis: RedisClient

    init() throws {
        redis = try TestEnvironment.redisClient()
    }

    /// A real Jira payload aimed at a review ticket of our own, with the comment text given.
    func payload(_ name: String, ticket: String, comment: String? = nil) throws -> [UInt8] {
        var text = try String(contentsOf: JiraWebhookRouteTests.fixtures.appendingPathComponent(name), encoding: .utf8)
            .replacingOccurrences(of: "TES-41", with: ticket)
        if let comment { text = text.replacingOccurrences(of: "\"Added a comment\"", with: "\"\(comment)\"") }
        return Array(text.utf8)
    }

    func post(_ client: any TestClientProtocol, _ body: [UInt8], delivery: String = UUID().uuidString,
              secret: String = JiraWebhookRouteTests.secret) async throws -> (status: HTTPResponse.Status, json: JSONValue) {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name("X-Atlassian-Webhook-Identifier")!] = delivery
        headers[HTTPField.Name("X-Hub-Signature")!] = WebhookSignature.sign(body, secret: secret)
        return try await client.execute(uri: "/webhooks/approval", method: .post, headers: headers,
                                        body: ByteBuffer(bytes: body)) { response in
            (response.status, (try? JSONValue(parsing: Array(buffer: response.body))) ?? .null)
        }
    }

    func submitted(_ id: String) async throws -> [ReviewDecisionSubmitted] {
        try await IngressHarness(redis: redis).published(on: Self.decisions, id: id)
            .map { try $0.decodeDetail(as: ReviewDecisionSubmitted.self) }
    }

    func withIngress(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await IngressHarness(redis: redis).run(environment: ["KINEXUS_JIRA_WEBHOOK_SECRET": JiraWebhookRouteTests.secret], body)
    }

    @Test("a comment on a review ticket is submitted with its text and author, once per delivery")
    func comment() async throws {
        try await withIngress { client in
            let ticket = TestEnvironment.unique("REV")
            let body = try payload("webhook-cloud-comment-created.json", ticket: ticket, comment: "Needs revision: add an example")
            let delivery = UUID().uuidString
            let answer = try await post(client, body, delivery: delivery)
            #expect(answer.status == .ok)
            #expect(answer.json["accepted"] == true)
            let id = try #require(answer.json["event_id"]?.stringValue)
            #expect(id == EventID.derived(from: "approval:" + delivery))
            #expect(try await submitted(id) == [ReviewDecisionSubmitted(
                reviewID: nil, ticketKey: ticket, decision: nil, comment: "Needs revision: add an example",
                reviewer: "5c5f880629be9642ba529340")])
            let repeated = try await post(client, body, delivery: delivery)
            #expect(repeated.json["duplicate"] == true)
            #expect(try await submitted(id).count == 1)
        }
    }

    @Test("moving a review ticket to Done approves; other updates decide nothing")
    func transition() async throws {
        try await withIngress { client in
            let ticket = TestEnvironment.unique("REV")
            let done = try await post(client, try payload("webhook-issue-updated-resolved.json", ticket: ticket))
            let id = try #require(done.json["event_id"]?.stringValue)
            #expect(done.json["reason"] == .string("\(ticket) moved to Done"))
            #expect(try await submitted(id) == [ReviewDecisionSubmitted(
                reviewID: nil, ticketKey: ticket, decision: "approved", comment: "", reviewer: "5c5f880629be9642ba529340")])

            let labels = try await post(client, try payload("webhook-issue-updated-labels.json", ticket: ticket))
            #expect(labels.status == .ok)
            #expect(labels.json["accepted"] == false)
            #expect(labels.json["event_id"] == nil)
        }
    }

    @Test("a wrong signature is refused and a body that is not a webhook says why")
    func refusals() async throws {
        try await withIngress { client in
            let body = try payload("webhook-cloud-comment-created.json", ticket: "REV-1")
            #expect(try await post(client, body, secret: "wrong").status == .unauthorized)
            let notWebhook = try await post(client, Array(#"{"hello": "world"}"#.utf8))
            #expect(notWebhook.status == .badRequest)
            #expect(notWebhook.json["error"]?.stringValue?.contains("webhookEvent") == true)
        }
    }

    /// A comment as Jira Server and Data Center send it: no issue, only the comment's REST address.
    func dataCenterComment(at address: String, text: String, event: String = "comment_created") throws -> [UInt8] {
        guard case .object(var root) = try JSONValue(parsing: try payload("webhook-cloud-comment-created.json", ticket: "X-1")),
              case .object(var comment)? = root["comment"]
        else { throw InvalidShape() }
        root["issue"] = nil
        root["webhookEvent"] = .string(event)
        comment["self"] = .string(address)
        comment["body"] = .string(text)
        root["comment"] = .object(comment)
        return Array(JSONValue.object(root).jsonText.utf8)
    }

    struct InvalidShape: Error {}

    @Test("a Data Center comment finds its review ticket through Jira's REST API")
    func dataCenterCommentWithJira() async throws {
        let fake = try await FakeJira(email: "bot@example.com", token: "jira-token")
        try await withFakeServer({ await fake.handle($0) }) { base in
            let settings = try #require(try AtlassianSettings(environment: [
                "KINEXUS_JIRA_BASE_URL": base, "KINEXUS_JIRA_EMAIL": "bot@example.com", "KINEXUS_JIRA_API_TOKEN": "jira-token",
                "KINEXUS_JIRA_PROJECT_KEY": "REV",
            ]).jira)
            let jira = JiraClient(settings: settings, http: RetryingHTTPClient(
                service: "Jira", policy: .init(timeout: .seconds(5), attempts: 1, firstDelay: .milliseconds(5)), logger: Logger(label: "test")))
            let key = try await jira.createIssue(type: "Task", summary: "Review: Orders", description: ADFDocument.document([[.text("x")]]), labels: [])
            let id = try #require(await fake.id(ofIssue: key))
            var harness = IngressHarness(redis: redis)
            harness.jira = jira
            try await harness.run(environment: ["KINEXUS_JIRA_WEBHOOK_SECRET": JiraWebhookRouteTests.secret]) { client in
                let body = try dataCenterComment(at: "\(base)/rest/api/2/issue/\(id)/comment/10019", text: "Approved")
                let answer = try await post(client, body)
                #expect(answer.status == .ok, "\(answer.json)")
                #expect(answer.json["accepted"] == true, "\(answer.json)")
                let event = try #require(answer.json["event_id"]?.stringValue)
                let submitted = try #require(try await submitted(event).first)
                #expect(submitted.ticketKey == key)
                #expect(submitted.comment == "Approved")

                let elsewhere = try await post(client, try dataCenterComment(at: "https://evil.example/rest/api/2/issue/\(id)/comment/1",
                                                                             text: "Approved"))
                #expect(elsewhere.status == .ok)
                #expect(elsewhere.json["accepted"] == false)
                let unknown = try await post(client, try dataCenterComment(at: "\(base)/rest/api/2/issue/99999/comment/1", text: "Approved"))
                #expect(unknown.json["accepted"] == false)
                #expect(unknown.json["reason"]?.stringValue?.hasPrefix("Jira knows no issue") == true)
            }
            let violations = await fake.violations
            #expect(violations.isEmpty, "\(violations)")
            #expect(await fake.requests.contains("GET /rest/api/2/issue/\(id)"))
        }
    }

    @Test("a Data Center comment without Jira configured is answered with the reason, never 400")
    func dataCenterCommentWithoutJira() async throws {
        try await withIngress { client in
            let body = try dataCenterComment(at: "https://jira.example.com/rest/api/2/issue/10040/comment/10019", text: "Approved")
            let answer = try await post(client, body)
            #expect(answer.status == .ok)
            #expect(answer.json["accepted"] == false)
            #expect(answer.json["reason"]?.stringValue?.contains("Jira is not configured") == true)
            let updated = try await post(client, try dataCenterComment(at: "https://jira.example.com/rest/api/2/issue/1/comment/2",
                                                                       text: "x", event: "comment_updated"))
            #expect(updated.status == .ok)
            #expect(updated.json["accepted"] == false)
        }
    }
}
