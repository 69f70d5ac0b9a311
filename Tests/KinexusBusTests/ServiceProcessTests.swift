import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KinexusBus
import KinexusTestSupport
import Testing

/// Services as real processes: killed mid-handler, stopped with SIGTERM, probed over HTTP.
@Suite(.serialized)
struct ServiceProcessTests {
    let harness: BusHarness
    let group = TestEnvironment.unique("process-group")
    let records = TestEnvironment.unique("process-records")

    init() throws {
        harness = try BusHarness()
    }

    func service(handlerSeconds: Double, port: Int = freePort()) throws -> (ChildProcess, Int) {
        let process = try ChildProcess(executable: "TestProcess", arguments: ["consume"], environment: [
            "TEST_SERVICE": group, "TEST_PATTERN": harness.pattern, "TEST_RECORD_KEY": records,
            "TEST_HANDLER_SECONDS": String(handlerSeconds),
            "KINEXUS_REDIS_URL": try TestEnvironment.redisURL(), "KINEXUS_POSTGRES_URL": try TestEnvironment.postgresURL(),
            "KINEXUS_HTTP_PORT": String(port), "KINEXUS_VISIBILITY_TIMEOUT": "1s",
            "KINEXUS_RETRY_BASE_DELAY": "100ms", "KINEXUS_SHUTDOWN_GRACE_PERIOD": "10s",
            "KINEXUS_CONSUMER_NAME": TestEnvironment.unique("replica"),
        ])
        try process.start()
        return (process, port)
    }

    func get(_ port: Int, _ path: String) async -> (status: Int, body: String)? {
        guard let (data, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!),
              let http = response as? HTTPURLResponse
        else { return nil }
        return (http.statusCode, String(decoding: data, as: UTF8.self))
    }

    func waitUntilReady(_ port: Int) async -> Bool {
        await eventually(timeout: .seconds(20), every: .milliseconds(100)) { await get(port, "/ready")?.status == 200 }
    }

    func recorded() async throws -> [String] {
        try await harness.redis.send("LRANGE", records, "0", "-1").array?.compactMap(\.string) ?? []
    }

    @Test func aConsumerKilledMidHandlerLosesNothing() async throws {
        let (doomed, doomedPort) = try service(handlerSeconds: 60)
        #expect(await waitUntilReady(doomedPort), "\(doomed.output)")
        let event = harness.envelope()
        try await harness.publish(event)
        #expect(try await eventually { try await recorded().contains { $0.hasPrefix("started \(event.id)") } })
        doomed.signal(SIGKILL)
        _ = await doomed.exitStatus(within: .seconds(5))

        let (survivor, survivorPort) = try service(handlerSeconds: 0)
        #expect(await waitUntilReady(survivorPort), "\(survivor.output)")
        #expect(try await eventually(timeout: .seconds(15)) {
            try await recorded().contains { $0.hasPrefix("handled \(event.id)") }
        }, "\(survivor.output)")
        #expect(try await eventually { try await harness.pendingCount(group: group) == 0 })
        #expect(try await recorded().filter { $0.hasPrefix("handled") }.count == 1)
        survivor.signal(SIGTERM)
        #expect(await survivor.exitStatus(within: .seconds(15)) == 0)
    }

    @Test func sigtermLetsTheHandlerInFlightFinishAndAck() async throws {
        let (process, port) = try service(handlerSeconds: 2)
        #expect(await waitUntilReady(port), "\(process.output)")
        let event = harness.envelope()
        try await harness.publish(event)
        #expect(try await eventually { try await recorded().contains { $0.hasPrefix("started \(event.id)") } })
        process.signal(SIGTERM)
        #expect(await process.exitStatus(within: .seconds(15)) == 0, "\(process.output)")
        #expect(try await recorded().contains { $0.hasPrefix("handled \(event.id)") })
        #expect(try await harness.pendingCount(group: group) == 0)
    }

    @Test func everyServiceAnswersHealthReadyAndMetrics() async throws {
        let (process, port) = try service(handlerSeconds: 0)
        #expect(await waitUntilReady(port), "\(process.output)")
        #expect(await get(port, "/health")?.status == 200)
        try await harness.publish(harness.envelope())
        #expect(try await eventually { try await recorded().contains { $0.hasPrefix("handled") } })
        let metrics = try #require(await get(port, "/metrics"))
        #expect(metrics.status == 200)
        #expect(metrics.body.contains(#"kinexus_events_handled_total{group="\#(group)",detail_type="ChangeDetected"} 1"#),
                "\(metrics.body)")
        #expect(metrics.body.contains("kinexus_handler_duration_seconds_bucket"))
        // Every log line is JSON and those about the event carry its id and correlation id.
        process.signal(SIGTERM)
        #expect(await process.exitStatus(within: .seconds(15)) == 0)
        let lines = process.output.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not JSON: \(line)")
        }
        let handling = try #require(lines.first { $0.contains(#""message":"handling""#) })
        #expect(handling.contains("correlation_id") && handling.contains("event_id"), "\(handling)")
        #expect(handling.contains(try Regex(#""time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z""#)), "times are UTC: \(handling)")
    }

    @Test func readinessFailsWhilePostgresIsUnreachable() async throws {
        let port = freePort()
        let process = try ChildProcess(executable: "TestProcess", arguments: ["consume"], environment: [
            "TEST_SERVICE": group, "TEST_PATTERN": harness.pattern,
            "KINEXUS_REDIS_URL": try TestEnvironment.redisURL(),
            "KINEXUS_POSTGRES_URL": "postgres://kinexus:kinexus@127.0.0.1:\(freePort())/kinexus",
            "KINEXUS_HTTP_PORT": String(port),
        ])
        try process.start()
        #expect(await eventually(timeout: .seconds(20)) { await get(port, "/health")?.status == 200 }, "\(process.output)")
        let ready = try #require(await get(port, "/ready"))
        #expect(ready.status == 503)
        #expect(ready.body.contains("postgres"))
        process.signal(SIGTERM)
        #expect(await process.exitStatus(within: .seconds(15)) != nil, "a service waiting for Postgres still stops")
    }

    /// What the first request should not wait for (the ingress's embedding index) is done before `/ready`.
    @Test func readinessWaitsForTheWarmUp() async throws {
        let port = freePort()
        let process = try ChildProcess(executable: "TestProcess", arguments: ["consume"], environment: [
            "TEST_SERVICE": group, "TEST_PATTERN": harness.pattern, "TEST_WARM_UP_SECONDS": "3",
            "KINEXUS_REDIS_URL": try TestEnvironment.redisURL(), "KINEXUS_POSTGRES_URL": try TestEnvironment.postgresURL(),
            "KINEXUS_HTTP_PORT": String(port),
        ])
        try process.start()
        let started = ContinuousClock.now
        #expect(await eventually(timeout: .seconds(20)) { await get(port, "/health")?.status == 200 }, "\(process.output)")
        #expect(await get(port, "/ready")?.status == 503)
        #expect(await eventually(timeout: .seconds(20)) { await get(port, "/ready")?.status == 200 })
        #expect(ContinuousClock.now - started >= .seconds(3))
        process.signal(SIGTERM)
        #expect(await process.exitStatus(within: .seconds(15)) == 0)
    }

    /// The pending gauge is Redis's own count at the moment of the scrape, not one read seconds before.
    @Test func thePendingGaugeIsReadWhenScraped() async throws {
        let (process, port) = try service(handlerSeconds: 30)
        #expect(await waitUntilReady(port), "\(process.output)")
        try await harness.publish(harness.envelope(), harness.envelope(), harness.envelope())
        #expect(await eventually(timeout: .seconds(10)) { (try? await recorded().count) == 3 })
        let metrics = try #require(await get(port, "/metrics")).body
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("kinexus_pending_entries{") && $0.contains(harness.topic.streamKey) }
        #expect(line?.split(separator: " ").last.flatMap { Double($0) } == 3, "\(line ?? "no kinexus_pending_entries line")")
        #expect(try await harness.pendingCount(group: group) == 3)
        process.signal(SIGKILL)
    }
}
