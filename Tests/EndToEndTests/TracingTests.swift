import FakeServices
import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusRedis
import KinexusTestSupport
import Testing

/// Services as real processes exporting their spans over OTLP/HTTP (JSON) to a collector in the test, on a Redis
/// and a Postgres database of their own.
@Suite(.serialized)
struct TracingTests {
    static let redisDatabase = 10
    /// Of its own too: kb-sync indexes the published page, which the knowledge tests' searches must not find.
    static let postgresDatabase = "kinexus_tracing_tests"
    let token = "trace-token"

    func exporting(to collector: String) -> [String: String] {
        ["OTEL_EXPORTER_OTLP_ENDPOINT": collector, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_BSP_SCHEDULE_DELAY": "100"]
    }

    func serviceEnvironment(port: Int, ingress: String) throws -> [String: String] {
        ["KINEXUS_REDIS_URL": try TestEnvironment.redisURL(database: Self.redisDatabase),
         "KINEXUS_POSTGRES_URL": try TestEnvironment.postgresURL(database: Self.postgresDatabase),
         "KINEXUS_HTTP_PORT": String(port), "KINEXUS_API_TOKEN": token, "KINEXUS_PUBLIC_URL": ingress,
         "KINEXUS_LINK_SECRET": "trace-links", "KINEXUS_RETRY_BASE_DELAY": "100ms"]
    }

    func startAll(_ processes: [ChildProcess], ports: [Int]) async throws {
        for process in processes { try process.start() }
        for port in ports {
            let ready = await eventually(every: .milliseconds(200)) {
                await request("http://127.0.0.1:\(port)/ready")?.status == 200
            }
            #expect(ready, "a service never became ready: \(processes.map(\.output).joined(separator: "\n"))")
        }
    }

    func stopAll(_ processes: [ChildProcess]) async {
        for process in processes { process.signal(SIGTERM) }
        for process in processes { _ = await process.exitStatus(within: .seconds(30)) }
    }

    /// A language model answering every chat completion with a page.
    static func model(_ request: FakeRequest) -> FakeResponse {
        let page = "# A traced page\n\n## Overview\n\nWritten by the model."
        let answer: JSONValue = ["choices": [["message": ["role": "assistant", "content": .string(page)]]]]
        return request.path == "/v1/chat/completions" ? .json(200, answer.jsonText) : .json(404, "{}")
    }

    @Test func aWebhookIsOneTraceFromIngressToTheKnowledgeBase() async throws {
        let collector = FakeCollector()
        try await withFakeServer({ await collector.handle($0) }) { collectorURL in try await withFakeServer(Self.model) { modelURL in
            let names = ["ingress", "orchestrator", "reviewer", "approver", "kb-sync"]
            let ports = names.map { _ in freePort() }
            let ingress = "http://127.0.0.1:\(ports[0])"
            let model = ["KINEXUS_LLM_PROVIDER": "openai", "KINEXUS_LLM_MODEL": "trace-model", "KINEXUS_LLM_BASE_URL": modelURL + "/v1"]
            let processes = try zip(names, ports).map { service, port in
                try ChildProcess(service: service, environment: try serviceEnvironment(port: port, ingress: ingress)
                    .merging(exporting(to: collectorURL)) { $1 }.merging(model) { $1 })
            }
            try await startAll(processes, ports: ports)
            defer { Task { await stopAll(processes) } }

            let key = "TRC-\(Int.random(in: 100_000...999_999))"
            let fixture = try String(contentsOf: DocumentationPipelineTests.fixtures.appendingPathComponent("webhook-issue-updated-resolved.json"),
                                     encoding: .utf8)
            let webhook = Data(fixture.replacingOccurrences(of: "TES-41", with: key)
                .replacingOccurrences(of: "Unit test summary 1", with: "Traced \(key)").utf8)
            let accepted = try #require(await request("\(ingress)/webhooks/jira", method: "POST", body: webhook,
                                                      headers: ["X-Atlassian-Webhook-Identifier": UUID().uuidString]))
            #expect(accepted.status == 200, "\(accepted.body)")

            let redis = try RedisClient(url: try TestEnvironment.redisURL(database: Self.redisDatabase))
            let stream = Topic(source: "kinexus.reviewer", detailType: "ReviewRequested").streamKey
            var review: ReviewRequested?
            _ = try await eventually(every: .milliseconds(100)) {
                let entries = StreamEntry.parseEntries(try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", "100"), stream: stream)
                review = entries.compactMap { try? $0.envelope().decodeDetail(as: ReviewRequested.self) }.first { $0.ticketKey == key }
                return review != nil
            }
            let reviewID = try #require(review?.reviewID)
            let decision = try JSONSerialization.data(withJSONObject: ["decision": "approved", "comment": "", "reviewer": "ana"])
            let decided = await request("\(ingress)/reviews/\(reviewID)/decision", method: "POST", body: decision,
                                        headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"])
            #expect(decided?.status == 202, "\(decided?.body ?? "")")

            // The webhook's request is the trace's root; every service's consumer span hangs under the span that
            // published what it handles, the decision's publication continuing the review's trace.
            var trace: [FakeCollector.Span] = []
            let complete = await eventually(every: .milliseconds(200)) {
                guard let root = await collector.spans.first(where: {
                    $0.kind == 2 && $0.name.contains("/webhooks/jira") && $0.parentSpanID == nil
                }) else { return false }
                trace = await collector.trace(root.traceID)
                return Set(trace.filter { $0.kind == 5 }.map(\.service)) == ["orchestrator", "reviewer", "approver", "kb-sync"]
            }
            let described = trace.map(\.description).joined(separator: "\n")
            let violations = await collector.violations
            #expect(complete, "the trace so far:\n\(described)\nviolations: \(violations)")
            let byID = Dictionary(trace.map { ($0.spanID, $0) }, uniquingKeysWith: { first, _ in first })
            #expect(trace.filter { $0.parentSpanID == nil }.count == 1, "one root:\n\(described)")
            func publisher(of consumer: String) -> Set<String> {
                Set(trace.filter { $0.kind == 5 && $0.service == consumer }.compactMap { byID[$0.parentSpanID ?? ""]?.service })
            }
            #expect(publisher(of: "orchestrator") == ["ingress"], "\(described)")
            #expect(publisher(of: "reviewer") == ["orchestrator"], "\(described)")
            #expect(publisher(of: "approver") == ["ingress"], "\(described)")
            #expect(publisher(of: "kb-sync").contains("approver"), "\(described)")
            let decisionPublication = trace.first { $0.service == "ingress" && $0.name == "publish ReviewDecisionSubmitted" }
            #expect(decisionPublication?.links.isEmpty == false, "the decision links to its request:\n\(described)")
            let consumer = try #require(trace.first { $0.kind == 5 && $0.service == "reviewer" })
            #expect(consumer.attributes["messaging.system"] == "redis")
            #expect(consumer.attributes["messaging.destination.name"] == Topic(source: "kinexus.orchestrator", detailType: "DocumentGenerated").streamKey)
            #expect(consumer.attributes["messaging.consumer.group.name"] == "reviewer")
            #expect(consumer.attributes["messaging.message.id"]?.isEmpty == false)
            #expect(trace.contains { $0.attributes["db.system.name"] == "postgresql" && $0.service == "reviewer" }, "\(described)")
            #expect(trace.contains { $0.attributes["db.system.name"] == "redis" && $0.service == "orchestrator" }, "\(described)")
            let chat = trace.first { $0.service == "orchestrator" && $0.name == "chat trace-model" }
            #expect(chat?.attributes["gen_ai.request.model"] == "trace-model", "\(described)")
            #expect(trace.contains { $0.kind == 3 && $0.parentSpanID == chat?.spanID && $0.name == "POST" },
                    "the model's request is a client span of the completion:\n\(described)")
            let logs = processes[2].output
            #expect(logs.contains(#""trace_id":"\#(consumer.traceID)""#), "the reviewer's log lines name the trace:\n\(logs)")
            await stopAll(processes)
        } }
    }

    /// A consumer whose handler fails twice; the event is published into a trace the test starts.
    func runFlakyConsumer(
        environment: [String: String], records: String, group: String = "flaky-\(UUID().uuidString.prefix(8))", failures: Int = 2,
        redis: RedisClient
    ) async throws -> ChildProcess {
        let port = freePort()
        let process = try ChildProcess(executable: "TestProcess", arguments: ["consume"], environment: environment.merging([
            "KINEXUS_REDIS_URL": try TestEnvironment.redisURL(database: Self.redisDatabase),
            "KINEXUS_POSTGRES_URL": try TestEnvironment.postgresURL(database: Self.postgresDatabase),
            "KINEXUS_HTTP_PORT": String(port), "KINEXUS_RETRY_BASE_DELAY": "50ms", "TEST_FAILURES": String(failures),
            "TEST_SERVICE": group, "TEST_RECORD_KEY": records,
            "TEST_PATTERN": #"{"source": ["kinexus.tests"], "detail-type": ["TraceProbe"]}"#,
        ]) { $1 })
        try await startAll([process], ports: [port])
        let envelope = EventEnvelope(id: EventID.random(), detailType: "TraceProbe", source: "kinexus.tests", account: "000000000000",
                                     region: "local", resources: [], detail: ["probe": true])
        try await redis.send(
            "XADD", Topic(source: "kinexus.tests", detailType: "TraceProbe").streamKey, "*", StreamEntry.envelopeField,
            String(decoding: try envelope.encoded(), as: UTF8.self), StreamEntry.correlationField, envelope.id,
            "traceparent", "00-\(Self.probeTrace)-00f067aa0ba902b7-01")
        return process
    }

    static let probeTrace = "4bf92f3577b34da6a3ce929d0e0e4736"

    /// How many events the consumer recording into `records` has handled.
    func handledCount(_ records: String, _ redis: RedisClient) async throws -> Int {
        let recorded = try await redis.send("LRANGE", records, "0", "-1").array ?? []
        return recorded.filter { $0.string?.hasPrefix("handled") == true }.count
    }

    @Test func aHandlerThatFailsTwiceShowsThreeAttemptsInTheTrace() async throws {
        let collector = FakeCollector()
        try await withFakeServer({ await collector.handle($0) }) { collectorURL in
            let redis = try RedisClient(url: try TestEnvironment.redisURL(database: Self.redisDatabase))
            let process = try await runFlakyConsumer(
                environment: exporting(to: collectorURL).merging(["OTEL_EXPORTER_OTLP_HEADERS": "x-collector-key=1,hush-\(Self.probeTrace)"]) { $1 },
                records: "trace-test:\(UUID())", redis: redis)
            var attempts: [FakeCollector.Span] = []
            let three = await eventually(every: .milliseconds(100)) {
                attempts = await collector.trace(Self.probeTrace).filter { $0.kind == 5 }
                return attempts.count == 3
            }
            await stopAll([process])
            #expect(three, "\(attempts)\n\(process.output)")
            #expect(attempts.map { $0.attributes["kinexus.attempt"] }.sorted { ($0 ?? "") < ($1 ?? "") } == ["1", "2", "3"])
            #expect(attempts.allSatisfy { $0.parentSpanID == "00f067aa0ba902b7" }, "each attempt is a child of the publisher")
            #expect(attempts.filter { $0.statusCode == 2 }.count == 2, "two attempts failed")
            #expect(attempts.filter { $0.attributes["kinexus.outcome"] == "retry" }.count == 2)
            #expect(process.output.contains(#""environment_key":"OTEL_EXPORTER_OTLP_TRACES_HEADERS","environment_value":"***""#),
                    "a setting that cannot be used is a warning, its value masked:\n\(process.output)")
            #expect(!process.output.contains("hush-"), "a collector's key is never logged:\n\(process.output)")
        }
    }

    /// A replayed copy starts a trace of its own (the replay is not part of the original's), linked to the
    /// original's publisher.
    @Test func aReplayedEventLinksToItsOriginalTrace() async throws {
        let collector = FakeCollector()
        try await withFakeServer({ await collector.handle($0) }) { collectorURL in
            let redis = try RedisClient(url: try TestEnvironment.redisURL(database: Self.redisDatabase))
            let group = "replayed-\(UUID().uuidString.prefix(8))", records = "trace-test:\(UUID())"
            let process = try await runFlakyConsumer(environment: exporting(to: collectorURL), records: records, group: group,
                                                     failures: 0, redis: redis)
            #expect(try await eventually(every: .milliseconds(100)) { try await handledCount(records, redis) == 1 })
            let replay = try ChildProcess(executable: "kinexus", arguments: [
                "replay", "--group", group, "--topic", Topic(source: "kinexus.tests", detailType: "TraceProbe").streamKey, "--from=-1m",
            ], environment: ["KINEXUS_REDIS_URL": try TestEnvironment.redisURL(database: Self.redisDatabase)])
            try replay.start()
            #expect(await replay.exitStatus(within: .seconds(20)) == 0, "\(replay.output)")
            var copy: FakeCollector.Span?
            let linked = await eventually(every: .milliseconds(100)) {
                copy = await collector.spans.first { $0.kind == 5 && $0.traceID != Self.probeTrace }
                return copy != nil
            }
            await stopAll([process])
            let spans = await collector.spans
            #expect(linked, "\(spans)\n\(process.output)")
            #expect(copy?.links.contains { $0.traceID == Self.probeTrace && $0.spanID == "00f067aa0ba902b7" } == true, "\(String(describing: copy))")
        }
    }

    /// swift-otel's default endpoint is localhost:4318: a collector there hears nothing from a service
    /// without an endpoint, whose log lines name no trace.
    @Test func withoutAnEndpointNothingIsExported() async throws {
        let collector = FakeCollector()
        try await withFakeServer(port: 4318, { await collector.handle($0) }) { _ in
            let redis = try RedisClient(url: try TestEnvironment.redisURL(database: Self.redisDatabase))
            let records = "trace-test:\(UUID())"
            let process = try await runFlakyConsumer(
                environment: ["OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_TRACES_SAMPLER": "always_on", "OTEL_BSP_SCHEDULE_DELAY": "100"],
                records: records, redis: redis)
            let handled = try await eventually(every: .milliseconds(100)) { try await handledCount(records, redis) == 1 }
            try await Task.sleep(for: .milliseconds(500))
            await stopAll([process])
            #expect(handled, "\(process.output)")
            #expect(await collector.spans.isEmpty)
            #expect(process.output.contains("handler failed, will retry"), "\(process.output)")
            #expect(!process.output.contains("trace_id"), "\(process.output)")
        }
    }
}
