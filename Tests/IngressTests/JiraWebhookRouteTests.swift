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
import Testing

/// `POST /webhooks/jira` through the real router, publishing to the test Redis.
struct JiraWebhookRouteTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/jira-webhooks").standardizedFileURL
    static let secret = "s3cret-for-tests"
    static let changes = Topic(source: "kinexus.jira", detailType: "ChangeDetected").streamKey

    let redis: RedisClient

    init() throws {
        redis = try TestEnvironment.redisClient()
    }

    func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    func withIngress(secret: String? = secret, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var environment: [String: String] = [:]
        environment["KINEXUS_JIRA_WEBHOOK_SECRET"] = secret
        try await IngressHarness(redis: redis).run(environment: environment, body)
    }

    func post(_ client: any TestClientProtocol, _ body: [UInt8], delivery: String = UUID().uuidString,
              signature: String? = nil) async throws -> (status: HTTPResponse.Status, json: JSONValue) {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name("X-Atlassian-Webhook-Identifier")!] = delivery
        headers[HTTPField.Name("X-Hub-Signature")!] = signature ?? WebhookSignature.sign(body, secret: Self.secret)
        return try await client.execute(uri: "/webhooks/jira", method: .post, headers: headers,
                                        body: ByteBuffer(bytes: body)) { response in
            (response.status, (try? JSONValue(parsing: Array(buffer: response.body))) ?? .null)
        }
    }

    func publishedChanges(withID id: String) async throws -> [EventEnvelope] {
        try await IngressHarness(redis: redis).published(on: Self.changes, id: id)
    }

    @Test func aResolvedTicketIsAcceptedAndPublishedOnceForRepeatedDeliveries() async throws {
        try await withIngress { client in
            let body = try fixture("webhook-issue-updated-resolved.json")
            let delivery = UUID().uuidString
            let first = try await post(client, body, delivery: delivery)
            #expect(first.status == .ok)
            #expect(first.json["accepted"] == true)
            #expect(first.json["reason"] == "moved from 'In Progress' to 'Done'")
            let changeID = try #require(first.json["change_id"]?.stringValue)
            #expect(changeID == EventID.derived(from: "jira:" + delivery))

            let repeated = try await post(client, body, delivery: delivery)
            #expect(repeated.status == .ok)
            #expect(repeated.json["duplicate"] == true)
            let published = try await publishedChanges(withID: changeID)
            #expect(published.count == 1)
            let change = try #require(published.first).decodeDetail(as: ChangeDetected.self)
            #expect(change.changeID == changeID)
            #expect(change.ticketType == "Story")
        }
    }

    @Test func signaturesAreChecked() async throws {
        try await withIngress { client in
            let body = try fixture("webhook-issue-updated-resolved.json")
            let wrong = try await post(client, body, signature: WebhookSignature.sign(body, secret: "other"))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.json["code"] == "bad_signature")
            let garbage = try await post(client, body, signature: "sha256=zz")
            #expect(garbage.status == .unauthorized)
            let tampered = try await post(client, body + [0x20], signature: WebhookSignature.sign(body, secret: Self.secret))
            #expect(tampered.status == .unauthorized)
        }
        try await withIngress(secret: nil) { client in
            let unsigned = try await post(client, try fixture("webhook-issue-created.json"), signature: "")
            #expect(unsigned.status == .ok, "without a configured secret, signatures are not required")
        }
    }

    @Test func badBodiesGetAClearFourHundred() async throws {
        try await withIngress { client in
            let malformed = Array("{not json".utf8)
            let notJSON = try await post(client, malformed)
            #expect(notJSON.status == .badRequest)
            #expect(notJSON.json["code"] == "malformed_json")
            let wrongShape = Array(#"{"hello": "world"}"#.utf8)
            let notJira = try await post(client, wrongShape)
            #expect(notJira.status == .badRequest)
            #expect(notJira.json["error"]?.stringValue?.contains("webhookEvent") == true)
            #expect(notJira.json["code"] == "wrong_shape")
            let huge = Array(repeating: UInt8(ascii: " "), count: 1024 * 1024 + 1)
            let tooLarge = try await post(client, huge)
            #expect(tooLarge.status == .contentTooLarge)
        }
    }

    @Test func everyFixtureGoesThroughWithoutError() async throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).filter { $0.hasSuffix(".json") }
        #expect(names.count == 35)
        try await withIngress { client in
            for name in names {
                let answer = try await post(client, try fixture(name))
                #expect(answer.status == .ok, "\(name): \(answer.json)")
                #expect(answer.json["reason"]?.stringValue?.isEmpty == false, "\(name)")
            }
        }
    }

    @Test func aDataCenterCommentWithoutItsIssueIsAnsweredNotRefused() async throws {
        try await withIngress { client in
            let body = Array(#"{"timestamp": 1795365644730, "webhookEvent": "comment_created", "comment": {"id": "10019", "self": "https://jira.example.com/rest/api/2/issue/10040/comment/10019", "author": {"name": "ana"}, "body": "Approved"}}"#.utf8)
            let answer = try await post(client, body)
            #expect(answer.status == .ok)
            #expect(answer.json["accepted"] == false)
        }
    }
}
