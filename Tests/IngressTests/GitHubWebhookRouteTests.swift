import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Ingress
import KinexusEvents
import KinexusJSON
import KinexusRedis
import KinexusTestSupport
import Testing

/// `POST /webhooks/github` through the real router.
struct GitHubWebhookRouteTests {
    static let secret = "github-secret"
    static let changes = Topic(source: "kinexus.github", detailType: "ChangeDetected").streamKey
    let redis: RedisClient

    init() throws {
        redis = try TestEnvironment.redisClient()
    }

    func pullRequest(action: String = "closed", merged: Bool = true, labels: [String] = ["api-change"]) -> [UInt8] {
        let json: JSONValue = .object([
            "action": .string(action),
            "repository": .object(["full_name": "acme/shop"]),
            "pull_request": .object([
                "number": 42, "title": "Add GET /v1/orders/{id}", "merged": .bool(merged),
                "body": "Adds the endpoint.\n\nGiven an order\nThen GET /v1/orders/{id} returns it",
                "html_url": "https://github.com/acme/shop/pull/42",
                "labels": .array(labels.map { .object(["name": .string($0)]) }),
            ]),
        ])
        return Array(json.jsonText.utf8)
    }

    func post(_ client: any TestClientProtocol, _ body: [UInt8], event: String = "pull_request",
              delivery: String = UUID().uuidString, signature: String? = nil) async throws -> (HTTPResponse.Status, JSONValue) {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name("X-GitHub-Event")!] = event
        headers[HTTPField.Name("X-GitHub-Delivery")!] = delivery
        headers[HTTPField.Name("X-Hub-Signature-256")!] = signature ?? WebhookSignature.sign(body, secret: Self.secret)
        return try await client.execute(uri: "/webhooks/github", method: .post, headers: headers,
                                        body: ByteBuffer(bytes: body)) { response in
            (response.status, (try? JSONValue(parsing: Array(buffer: response.body))) ?? .null)
        }
    }

    @Test func aMergedLabelledPullRequestBecomesAChange() async throws {
        let harness = IngressHarness(redis: redis)
        try await harness.run(environment: ["KINEXUS_GITHUB_WEBHOOK_SECRET": Self.secret]) { client in
            let delivery = UUID().uuidString
            let (status, answer) = try await post(client, pullRequest(), delivery: delivery)
            #expect(status == .ok)
            #expect(answer["accepted"] == true)
            #expect(answer["reason"] == "merged and labelled api-change")
            let id = try #require(answer["change_id"]?.stringValue)
            let (_, repeated) = try await post(client, pullRequest(), delivery: delivery)
            #expect(repeated["duplicate"] == true)
            let published = try await harness.published(on: Self.changes, id: id)
            #expect(published.count == 1)
            let change = try #require(published.first).decodeDetail(as: ChangeDetected.self)
            #expect(change.ticketKey == "acme/shop#42")
            #expect(change.origin == "github")
            #expect(change.apiPaths == ["GET /v1/orders/{id}"])
            #expect(change.documentationType == "api")
            #expect(change.acceptanceCriteria == ["Given an order", "Then GET /v1/orders/{id} returns it"])
        }
    }

    @Test func otherPullRequestsAndEventsAreAnsweredWithTheReason() async throws {
        try await IngressHarness(redis: redis).run(environment: ["KINEXUS_GITHUB_WEBHOOK_SECRET": Self.secret]) { client in
            #expect(try await post(client, pullRequest(merged: false)).1["reason"] == "closed without merging")
            #expect(try await post(client, pullRequest(action: "opened")).1["reason"] == "action 'opened' is not evaluated")
            #expect(try await post(client, pullRequest(labels: ["api-change", "no-docs"])).1["reason"] == "labelled no-docs")
            let unlabelled = try await post(client, pullRequest(labels: []))
            #expect(unlabelled.1["accepted"] == false)
            #expect(try await post(client, Array("{}".utf8), event: "ping").1["reason"] == "ping events are not evaluated")
            let (status, wrong) = try await post(client, Array(#"{"action": "closed"}"#.utf8))
            #expect(status == .badRequest)
            #expect(wrong["code"] == "wrong_shape")
            let hugeNumber = Array(#"{"action": "closed", "pull_request": {"number": 1e300, "title": "t"}}"#.utf8)
            #expect(try await post(client, hugeNumber).0 == .badRequest, "an absurd number is refused, not a crash")
            let (unsigned, _) = try await post(client, pullRequest(), signature: "sha256=" + String(repeating: "0", count: 64))
            #expect(unsigned == .unauthorized)
        }
    }
}
