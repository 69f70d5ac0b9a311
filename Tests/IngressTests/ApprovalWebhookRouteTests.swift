import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Ingress
import KinexusBus
import KinexusEvents
import KinexusRedis
import KinexusTestSupport
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
}
