@testable import EventBridgeAPI
@testable import EventBridgeRules
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusRedis
import KinexusServiceKit
import KinexusTestSupport
import Logging
import EventRules
import KinexusPostgres
import PostgresNIO
import Testing

/// `POST /aws/events` over HTTP, on the test Redis: signed requests in AWS's JSON protocol.
struct EventBridgeAPITests {
    static let key = ("KXTESTKEY", "test/secret+key")

    static let secretsKey = Array(repeating: UInt8(7), count: 32)

    /// The ingress's router with the AWS endpoint alone, served on a real port, its tables migrated.
    static func withEndpoint(redis: RedisClient, secrets: SecretBox = SecretBox(key: secretsKey),
                             _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let logger = Logger(label: "test")
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        let publisher = EventPublisher(redis: redis, account: "000000000000", region: "local")
        let router = ServiceRuntime.router(logger: logger)
        router.addRoutes(EventBridgeAPI(credentials: AWSCredentials(secrets: [key.0: key.1]), secrets: secrets, publisher: publisher,
                                        redis: redis, postgres: postgres, logger: logger).routes)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.run() }
            try await MigrationRunner(client: postgres, logger: logger).run(try RuleStore.migrations())
            try await Application(router: router).test(.live, body)
            group.cancelAll()
        }
    }

    /// Calls `operation` signed as an SDK signs it, with `key` (the test's own by default) and the time `signedAt`.
    static func call(
        _ client: any TestClientProtocol, _ operation: String, _ input: JSONValue, key: (String, String) = key, signedAt: Date = Date()
    ) async throws -> (status: HTTPResponse.Status, json: JSONValue) {
        var body: [UInt8] = []
        JSONWriter.write(input, into: &body)
        let amzDate = SignatureV4.format(signedAt)
        var headers: HTTPFields = [.contentType: "application/x-amz-json-1.1"]
        headers[.amzTarget] = "AWSEvents.\(operation)"
        headers[HTTPField.Name("X-Amz-Date")!] = amzDate
        // The test client sends `Host: localhost` of its own, as the request's authority.
        let host = "localhost"
        let request = SignatureV4.Request(method: "POST", path: "/aws/events", query: "",
                                          headers: headers.map { ($0.name.rawName, $0.value) } + [("host", host)], body: body)
        let scope = Authorization.Scope(date: String(amzDate.prefix(8)), region: "eu-west-1", service: "events", terminator: "aws4_request")
        let signed = ["content-type", "host", "x-amz-date", "x-amz-target"]
        let signature = SignatureV4.signature(of: request, signedHeaders: signed, amzDate: amzDate, scope: scope, secret: key.1)
        headers[.authorization] = "AWS4-HMAC-SHA256 Credential=\(key.0)/\(scope.text), SignedHeaders=\(signed.joined(separator: ";")), "
            + "Signature=\(signature)"
        return try await client.execute(uri: "/aws/events", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            #expect(response.headers[.contentType] == "application/x-amz-json-1.1")
            return (response.status, (try? JSONValue(parsing: Array(buffer: response.body))) ?? .null)
        }
    }

    @Test func putEventsPublishesEachGoodEntryAndAnswersEachBadOne() async throws {
        let redis = try TestEnvironment.redisClient()
        let source = TestEnvironment.unique("acme.orders")
        try await Self.withEndpoint(redis: redis) { client in
            let entries: JSONValue = .array([
                ["Source": .string(source), "DetailType": "OrderPlaced", "Detail": #"{"order": 1}"#, "Resources": ["arn:order:1"],
                 "TraceHeader": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"],
                ["Source": .string(source), "DetailType": "OrderPlaced", "Detail": "{broken"],
                ["Source": .string(source), "DetailType": "OrderPlaced", "Detail": #"{"order": 2}"#, "Time": 1_790_000_000],
            ])
            let (status, json) = try await Self.call(client, "PutEvents", ["Entries": entries])
            #expect(status == .ok)
            #expect(json["FailedEntryCount"] == 1)
            let answers = json["Entries"]?.arrayValue ?? []
            try #require(answers.count == 3)
            #expect(answers[1] == ["ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."])
            let ids = [answers[0]["EventId"]?.stringValue, answers[2]["EventId"]?.stringValue]
            let stream = Topic(source: source, detailType: "OrderPlaced").streamKey
            let stored = StreamEntry.parseEntries(try await redis.send("XRANGE", stream, "-", "+"), stream: stream)
            #expect(stored.first?.fields?["traceparent"] == "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01",
                    "the caller's X-Ray trace goes on")
            let published = stored.compactMap { try? $0.envelope() }
            #expect(published.map(\.id) == ids)
            #expect(published.map(\.detail) == [["order": 1], ["order": 2]])
            #expect(published.first?.resources == ["arn:order:1"])
            #expect(published.last?.time == Date(timeIntervalSince1970: 1_790_000_000))
        }
        await redis.shutdown()
    }

    @Test func unsignedUnknownAndStaleRequestsAreRefusedAsAWSRefusesThem() async throws {
        let redis = try TestEnvironment.redisClient()
        try await Self.withEndpoint(redis: redis) { client in
            let unsigned = try await client.execute(uri: "/aws/events", method: .post, headers: [.contentType: "application/x-amz-json-1.1"],
                                                    body: ByteBuffer(string: "{}")) { response in
                (response.status, try? JSONValue(parsing: Array(buffer: response.body)))
            }
            #expect(unsigned.0 == .badRequest)
            #expect(unsigned.1?["__type"] == "MissingAuthenticationTokenException")
            let stranger = try await Self.call(client, "ListEventBuses", [:], key: ("KXSTRANGER", "whatever"))
            #expect(stranger.json["__type"] == "UnrecognizedClientException")
            let wrongSecret = try await Self.call(client, "ListEventBuses", [:], key: (Self.key.0, "not the secret"))
            #expect(wrongSecret.json["__type"] == "InvalidSignatureException")
            let stale = try await Self.call(client, "ListEventBuses", [:], signedAt: Date() - 20 * 60)
            #expect(stale.status == .badRequest)
            #expect(stale.json["message"]?.stringValue?.hasPrefix("Signature expired") == true)
            let unknown = try await Self.call(client, "CreatePartnerEventSource", [:])
            #expect(unknown.json["__type"] == "UnknownOperationException")
        }
        await redis.shutdown()
    }

    @Test func elevenEntriesAreAValidationError() async throws {
        let redis = try TestEnvironment.redisClient()
        try await Self.withEndpoint(redis: redis) { client in
            let entry: JSONValue = ["Source": "acme.orders", "DetailType": "OrderPlaced", "Detail": "{}"]
            let (status, json) = try await Self.call(client, "PutEvents", ["Entries": .array(Array(repeating: entry, count: 11))])
            #expect(status == .badRequest)
            #expect(json["__type"] == "ValidationException")
        }
        await redis.shutdown()
    }

    @Test func patternsAndTheBusAnswerInEventBridgesShapes() async throws {
        let redis = try TestEnvironment.redisClient()
        try await Self.withEndpoint(redis: redis) { client in
            let event = #"{"id": "1", "account": "0", "source": "acme", "time": "2026-12-06T10:00:00Z", "region": "local", "detail-type": "X", "detail": {"n": 5}}"#
            let yes = try await Self.call(client, "TestEventPattern", ["EventPattern": #"{"detail": {"n": [{"numeric": [">", 4]}]}}"#, "Event": .string(event)])
            #expect(yes.json == ["Result": true])
            let no = try await Self.call(client, "TestEventPattern", ["EventPattern": #"{"detail": {"n": [4]}}"#, "Event": .string(event)])
            #expect(no.json == ["Result": false])
            let invalid = try await Self.call(client, "TestEventPattern", ["EventPattern": #"{"detail": {"n": 4}}"#, "Event": .string(event)])
            #expect(invalid.status == .badRequest)
            #expect(invalid.json["__type"] == "InvalidEventPatternException")
            let bare = try await Self.call(client, "TestEventPattern", ["EventPattern": #"{"source": ["acme"]}"#, "Event": #"{"source": "acme"}"#])
            #expect(bare.json["__type"] == "ValidationException")

            let bus = try await Self.call(client, "DescribeEventBus", [:])
            #expect(bus.json["Name"] == "default")
            #expect(bus.json["Arn"] == "arn:aws:events:local:000000000000:event-bus/default")
            let other = try await Self.call(client, "DescribeEventBus", ["Name": "orders"])
            #expect(other.json["__type"] == "ResourceNotFoundException")
            let listed = try await Self.call(client, "ListEventBuses", ["NamePrefix": "def"])
            #expect(listed.json["EventBuses"]?.arrayValue?.count == 1)
        }
        await redis.shutdown()
    }

    @Test func redisUnreachableIsARetryableServiceUnavailable() async throws {
        let redis = try RedisClient(url: "redis://127.0.0.1:1/0")
        try await Self.withEndpoint(redis: redis) { client in
            let (status, json) = try await Self.call(client, "PutEvents", ["Entries": [["Source": "acme", "DetailType": "X", "Detail": "{}"]]])
            #expect(status == .serviceUnavailable)
            #expect(json["__type"] == "ServiceUnavailable")
        }
        await redis.shutdown()
    }
}
