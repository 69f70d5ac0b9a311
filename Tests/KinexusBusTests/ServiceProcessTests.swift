import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KinexusBus
import KinexusRedis
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

    /// What a service promises once told to stop (ServiceRuntime): handlers get the grace period, the last acks
    /// 10 s more, then everything is cancelled; a Redis round trip under way ends within its command timeout. The
    /// last 10 s are for the process to end on a loaded machine.
    static let gracePeriod = Duration.seconds(2)
    static let stopsWithin = gracePeriod + .seconds(10) + RedisConfiguration().commandTimeout + .seconds(10)

    /// The test process consuming the harness's events, with `settings` over the defaults.
    func service(_ settings: [String: String] = [:], port: Int = freePort()) throws -> (ChildProcess, Int) {
        let process = try ChildProcess(executable: "TestProcess", arguments: ["consume"], environment: [
            "TEST_SERVICE": group, "TEST_PATTERN": harness.pattern, "TEST_RECORD_KEY": records,
            "KINEXUS_REDIS_URL": try TestEnvironment.redisURL(), "KINEXUS_POSTGRES_URL": try TestEnvironment.postgresURL(),
            "KINEXUS_HTTP_PORT": String(port), "KINEXUS_VISIBILITY_TIMEOUT": "1s",
            "KINEXUS_RETRY_BASE_DELAY": "100ms", "KINEXUS_SHUTDOWN_GRACE_PERIOD": "\(Self.gracePeriod.components.seconds)s",
            "KINEXUS_CONSUMER_NAME": TestEnvironment.unique("replica"),
        ].merging(settings) { $1 })
        try process.start()
        return (process, port)
    }

    func service(handlerSeconds: Double) throws -> (ChildProcess, Int) {
        try service(["TEST_HANDLER_SECONDS": String(handlerSeconds)])
    }

    /// SIGTERM, then what a stop is: exit status 0, within the bound the runtime promises, no failure logged.
    func expectStops(_ process: ChildProcess) async {
        process.signal(SIGTERM)
        #expect(await process.exitStatus(within: Self.stopsWithin) == 0, "\(process.output)")
        #expect(!process.output.contains("service failed"), "\(process.output)")
    }

    func get(_ port: Int, _ path: String) async -> (status: Int, body: String)? {
        guard let (data, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!),
              let http = response as? HTTPURLResponse
        else { return nil }
        return (http.statusCode, String(decoding: data, as: UTF8.self))
    }

    func waitUntilReady(_ port: Int) async -> Bool {
        await eventually(every: .milliseconds(100)) { await get(port, "/ready")?.status == 200 }
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
        #expect(try await eventually {
            try await recorded().contains { $0.hasPrefix("handled \(event.id)") }
        }, "\(survivor.output)")
        #expect(try await eventually { try await harness.pendingCount(group: group) == 0 })
        #expect(try await recorded().filter { $0.hasPrefix("handled") }.count == 1)
        await expectStops(survivor)
    }

    @Test func sigtermLetsTheHandlerInFlightFinishAndAck() async throws {
        let (process, port) = try service(["TEST_HANDLER_SECONDS": "2", "KINEXUS_SHUTDOWN_GRACE_PERIOD": "60s"])
        #expect(await waitUntilReady(port), "\(process.output)")
        let event = harness.envelope()
        try await harness.publish(event)
        #expect(try await eventually { try await recorded().contains { $0.hasPrefix("started \(event.id)") } })
        process.signal(SIGTERM)
        #expect(await process.exitStatus(within: .seconds(60)) == 0, "\(process.output)")
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
        await expectStops(process)
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
        let (process, port) = try service(["KINEXUS_POSTGRES_URL": "postgres://kinexus:kinexus@127.0.0.1:\(freePort())/kinexus"])
        #expect(await eventually { await get(port, "/health")?.status == 200 }, "\(process.output)")
        let ready = try #require(await get(port, "/ready"))
        #expect(ready.status == 503)
        #expect(ready.body.contains("postgres"))
        await expectStops(process)
    }

    @Test func aServiceStopsWhilePostgresDoesNotAnswer() async throws {
        let postgres = try await HoldingBackProxy(inFrontOf: try TestEnvironment.postgresURL(), silent: true)
        defer { Task { await postgres.close() } }
        let (process, port) = try service(["KINEXUS_POSTGRES_URL": postgres.url])
        #expect(await eventually { await get(port, "/ready")?.status == 503 }, "\(process.output)")
        await expectStops(process)
    }

    @Test func aServiceStopsWhileRedisDoesNotAnswer() async throws {
        let redis = try await HoldingBackProxy(inFrontOf: try TestEnvironment.redisURL(), silent: true)
        defer { Task { await redis.close() } }
        let (process, port) = try service(["KINEXUS_REDIS_URL": redis.url])
        #expect(await eventually { await get(port, "/ready")?.status == 503 }, "\(process.output)")
        #expect(redis.heardWhileSilent("XGROUP"), "the consumer waits for Redis to create its group")
        await expectStops(process)
    }

    /// The handler is inside a query when Postgres stops answering: the stop ends it, the event stays pending.
    @Test func aServiceStopsWhileAHandlerWaitsOnPostgres() async throws {
        let postgres = try await HoldingBackProxy(inFrontOf: try TestEnvironment.postgresURL())
        defer { Task { await postgres.close() } }
        let (process, port) = try service(["KINEXUS_POSTGRES_URL": postgres.url, "TEST_HANDLER_QUERIES_POSTGRES": "1"])
        #expect(await waitUntilReady(port), "\(process.output)")
        postgres.silence()
        let event = harness.envelope()
        try await harness.publish(event)
        #expect(await eventually { postgres.heardWhileSilent("handler_query") }, "\(process.output)")
        await expectStops(process)
        #expect(try await harness.pendingCount(group: group) == 1, "the event waits for another replica")
        #expect(try await !recorded().contains { $0.hasPrefix("handled") })
    }

    /// The handler is inside a Redis round trip when Redis stops answering: the stop ends it, the event stays pending.
    @Test func aServiceStopsWhileAHandlerWaitsOnRedis() async throws {
        let redis = try await HoldingBackProxy(inFrontOf: try TestEnvironment.redisURL())
        defer { Task { await redis.close() } }
        let gate = TestEnvironment.unique("gate")
        let (process, port) = try service(["KINEXUS_REDIS_URL": redis.url, "TEST_HANDLER_GATE": gate])
        #expect(await waitUntilReady(port), "\(process.output)")
        let event = harness.envelope()
        try await harness.publish(event)
        #expect(try await eventually { try await recorded().contains { $0.hasPrefix("started \(event.id)") } }, "\(process.output)")
        redis.silence()
        #expect(await eventually { redis.heardWhileSilent(gate) }, "\(process.output)")
        await expectStops(process)
        #expect(try await harness.pendingCount(group: group) == 1, "the event waits for another replica")
    }

    @Test func aServiceStopsDuringItsWarmUp() async throws {
        let (process, port) = try service(["TEST_WARM_UP_SECONDS": "600"])
        #expect(await eventually { await get(port, "/health")?.status == 200 }, "\(process.output)")
        #expect(await get(port, "/ready")?.status == 503)
        await expectStops(process)
    }

    /// What the first request should not wait for (the ingress's embedding index) is done before `/ready`.
    @Test func readinessWaitsForTheWarmUp() async throws {
        let (process, port) = try service(["TEST_WARM_UP_SECONDS": "3"])
        let started = ContinuousClock.now
        #expect(await eventually { await get(port, "/health")?.status == 200 }, "\(process.output)")
        #expect(await get(port, "/ready")?.status == 503)
        #expect(await eventually { await get(port, "/ready")?.status == 200 })
        #expect(ContinuousClock.now - started >= .seconds(3))
        await expectStops(process)
    }

    /// The pending gauge is Redis's own count at the moment of the scrape, not one read seconds before.
    @Test func thePendingGaugeIsReadWhenScraped() async throws {
        let (process, port) = try service(handlerSeconds: 30)
        #expect(await waitUntilReady(port), "\(process.output)")
        try await harness.publish(harness.envelope(), harness.envelope(), harness.envelope())
        #expect(await eventually { (try? await recorded().count) == 3 })
        let metrics = try #require(await get(port, "/metrics")).body
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("kinexus_pending_entries{") && $0.contains(harness.topic.streamKey) }
        #expect(line?.split(separator: " ").last.flatMap { Double($0) } == 3, "\(line ?? "no kinexus_pending_entries line")")
        #expect(try await harness.pendingCount(group: group) == 3)
        process.signal(SIGKILL)
    }
}
