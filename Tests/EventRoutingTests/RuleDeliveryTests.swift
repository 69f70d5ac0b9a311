import EventBridgeRules
import FakeServices
import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusTestSupport
import Testing

/// Users' rules delivered to API destinations over real HTTP, on the test Redis and Postgres. One router at a time:
/// every router delivers every rule of the database.
@Suite(.serialized)
struct RuleDeliveryTests {
    @Test func matchingEventsAreDeliveredOnceEachWithTheTransformerAppliedAndTheKey() async throws {
        let endpoint = RecordingEndpoint()
        try await withFakeServer({ endpoint.handle($0) }) { url in
            try await RoutingHarness.run { harness in
                let source = TestEnvironment.unique("acme.orders")
                let rule = try await harness.rule(
                    pattern: #"{"source": ["\#(source)"], "detail-type": ["OrderPlaced"], "detail": {"total": [{"numeric": [">", 100]}]}}"#,
                    endpoint: url + "/hooks/*", target: [
                        "InputTransformer": ["InputPathsMap": ["order": "$.detail.order", "who": "$.detail.customer"],
                                             "InputTemplate": #"{"text": "Order <order> by <who> needs a look", "rule": "<aws.events.rule-name>"}"#],
                        "HttpParameters": ["PathParameterValues": ["orders room"], "QueryStringParameters": ["via": "kinexus"]],
                    ])
                let events = try await harness.publish(source: source, [
                    ["order": 1, "customer": "Ada", "total": 150], ["order": 2, "customer": "Bo", "total": 20],
                    ["order": 3, "customer": "Cy \"C\"", "total": 900],
                ])
                try await harness.withRouter {
                    let received = await endpoint.waitFor(2)
                    #expect(try await harness.outcomes(rule) { $0.count >= 2 } == ["delivered", "delivered"])
                    #expect(received.count == 2)
                    let bodies = try received.map { try JSONValue(parsing: $0.request.body) }
                    #expect(Set(bodies) == [
                        ["text": "Order 1 by Ada needs a look", "rule": .string(rule)],
                        ["text": #"Order 3 by Cy "C" needs a look"#, "rule": .string(rule)],
                    ])
                    #expect(Set(received.map { $0.request.header("Idempotency-Key") }) == [events[0].id, events[2].id])
                    #expect(received.allSatisfy { $0.request.header("X-Api-Key") == "k-123" })
                    #expect(received.allSatisfy { $0.request.path == "/hooks/orders%20room" && $0.request.query["via"] == "kinexus" })
                    #expect(received.allSatisfy { $0.request.header("Content-Type") == "application/json" })
                }
            }
        }
    }

    @Test func anEndpointFailingWith5xxGetsTheEventAfterRetriesAnd400DeadLettersAtOnceUntilRedriven() async throws {
        let endpoint = RecordingEndpoint(answers: [503, 500])
        try await withFakeServer({ endpoint.handle($0) }) { url in
            try await RoutingHarness.run { harness in
                let source = TestEnvironment.unique("acme.billing")
                let rule = try await harness.rule(pattern: #"{"source": ["\#(source)"], "detail-type": ["OrderPlaced"]}"#, endpoint: url)
                try await harness.withRouter {
                    let first = try await harness.publish(source: source, [["invoice": 1]])
                    #expect(try await harness.outcomes(rule) { $0.last == "delivered" } == ["retrying", "retrying", "delivered"])
                    #expect(endpoint.received.map { $0.request.header("Idempotency-Key") } == Array(repeating: first[0].id, count: 3))

                    endpoint.answerNext([400])
                    let refused = try await harness.publish(source: source, [["invoice": 2]])
                    #expect(try await harness.outcomes(rule) { $0.count >= 4 }.last == "dead_lettered")
                    // The attempt is recorded before the bus moves the event to the dead letters.
                    let letters = DeadLetters(redis: harness.redis, group: "rule.\(rule).endpoint")
                    let letter = try #require(try await eventually { try await letters.list().first })
                    #expect(letter.eventID == refused[0].id)
                    #expect(letter.errorCode == "endpoint_400")
                    #expect(letter.attempts == 1)

                    #expect(try await letters.redriveAll(publisher: harness.publisher).count == 1)
                    #expect(try await harness.outcomes(rule) { $0.count >= 5 }.last == "delivered")
                    #expect(endpoint.received.last?.request.header("Idempotency-Key") == refused[0].id)
                }
            }
        }
    }

    @Test func aReplayDeliversARulesEventsAgainWithTheirOwnKeys() async throws {
        let endpoint = RecordingEndpoint()
        try await withFakeServer({ endpoint.handle($0) }) { url in
            try await RoutingHarness.run { harness in
                let source = TestEnvironment.unique("acme.replayed")
                let rule = try await harness.rule(pattern: #"{"source": ["\#(source)"], "detail-type": ["OrderPlaced"]}"#, endpoint: url)
                let events = try await harness.publish(source: source, [["n": 1], ["n": 2]])
                try await harness.withRouter {
                    #expect(await endpoint.waitFor(2).count == 2)
                    let stream = Topic(source: source, detailType: "OrderPlaced").streamKey
                    let replayed = try await BusAdmin(redis: harness.redis).replay(
                        group: "rule.\(rule).endpoint", stream: stream, from: Date() - 300, to: nil, publisher: harness.publisher)
                    #expect(replayed == 2)
                    let received = await endpoint.waitFor(4)
                    #expect(received.compactMap { $0.request.header("Idempotency-Key") }.sorted()
                        == (events.map(\.id) + events.map(\.id)).sorted(), "each event once more, under its own id")
                }
            }
        }
    }

    @Test func theRateLimitHoldsAcrossTwoReplicas() async throws {
        let endpoint = RecordingEndpoint()
        try await withFakeServer({ endpoint.handle($0) }) { url in
            try await RoutingHarness.run { harness in
                let source = TestEnvironment.unique("acme.bursty")
                let rule = try await harness.rule(pattern: #"{"source": ["\#(source)"], "detail-type": ["OrderPlaced"]}"#, endpoint: url, rateLimit: 5)
                _ = try await harness.publish(source: source, (1...20).map { ["n": .number(Double($0))] })
                try await harness.withRouter {
                    try await harness.withRouter {
                        let received = await endpoint.waitFor(20)
                        #expect(try await harness.outcomes(rule) { $0.count >= 20 }.count == 20)
                        // Granted 200 ms apart, twenty invocations span 3.8 s; arrival can only be later than its grant.
                        let span = try #require(received.first?.at).duration(to: try #require(received.last?.at))
                        #expect(span >= .seconds(3), "20 invocations at 5/s arrived within \(span)")
                    }
                }
            }
        }
    }

    @Test func aPatternByPrefixFindsTopicsPublishedAfterTheRule() async throws {
        let endpoint = RecordingEndpoint()
        try await withFakeServer({ endpoint.handle($0) }) { url in
            try await RoutingHarness.run { harness in
                let prefix = TestEnvironment.unique("acme.shop") + "."
                let rule = try await harness.rule(pattern: #"{"source": [{"prefix": "\#(prefix)"}]}"#, endpoint: url)
                try await harness.withRouter {
                    let first = try await harness.publish(source: prefix + "eu", detailType: "CartAbandoned", [["cart": 1]])
                    _ = try await harness.publish(source: "elsewhere.shop", detailType: "CartAbandoned", [["cart": 2]])
                    #expect(await endpoint.waitFor(1).map { $0.request.header("Idempotency-Key") } == [first[0].id])
                    // A source that first publishes while the rule is being delivered is found too.
                    let later = try await harness.publish(source: prefix + "us", detailType: "CartRecovered", [["cart": 3]])
                    #expect(await endpoint.waitFor(2).map { $0.request.header("Idempotency-Key") } == [first[0].id, later[0].id])
                    #expect(try await harness.outcomes(rule) { $0.count >= 2 } == ["delivered", "delivered"])
                }
            }
        }
    }
}
