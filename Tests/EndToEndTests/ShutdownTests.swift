import Foundation
import KinexusBus
import KinexusEvents
import KinexusPostgres
import KinexusRedis
import KinexusTestSupport
import Logging
import PostgresNIO
import Testing

/// SIGTERM ends a service within its grace period, even while a handler waits for another's lock.
struct ShutdownTests {
    let gracePeriod = Duration.seconds(2)

    @Test func aHandlerWaitingForADocumentLockDoesNotHoldUpAShutdown() async throws {
        let logger = Logger(label: "test")
        let redisURL = try TestEnvironment.redisURL(database: 14)
        let redis = try RedisClient(url: redisURL)
        // The database is this test's: what an earlier run left pending must not pass for this run's change.
        _ = try await redis.send("FLUSHDB")
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        let port = freePort()
        let orchestrator = try ChildProcess(service: "orchestrator", environment: [
            "KINEXUS_REDIS_URL": redisURL, "KINEXUS_POSTGRES_URL": try TestEnvironment.postgresURL(),
            "KINEXUS_HTTP_PORT": String(port), "KINEXUS_SHUTDOWN_GRACE_PERIOD": "\(gracePeriod.components.seconds)s",
            "KINEXUS_CONSUMER_NAME": TestEnvironment.unique("orchestrator"),
        ])
        try orchestrator.start()
        #expect(await eventually(every: .milliseconds(100)) {
            await request("http://127.0.0.1:\(port)/ready")?.status == 200
        }, "\(orchestrator.output)")
        let key = TestEnvironment.unique("LOCK")
        let change = ChangeDetected(changeID: EventID.random(), origin: "jira", ticketKey: key, ticketType: "Story",
                                    summary: "Held", description: "A change that waits.")
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            // Another change to the same document holds its lock for as long as this test runs.
            try await postgres.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\("document:jira:\(key)"), 0))",
                                           logger: logger)
                _ = try await EventPublisher(redis: redis, account: "000000000000", region: "local")
                    .publish(change, source: .jira, id: change.changeID)
                // The handler has the change once it is pending for the orchestrator's group: the lock keeps it there.
                let stream = Topic(source: EventSource.jira.rawValue, detailType: "ChangeDetected").streamKey
                #expect(try await eventually(every: .milliseconds(100)) {
                    try await redis.send("XPENDING", stream, "orchestrator").array?.first?.integer ?? 0 > 0
                }, "\(orchestrator.output)")
                let stopping = ContinuousClock.now
                orchestrator.signal(SIGTERM)
                let status = await orchestrator.exitStatus(within: gracePeriod + .seconds(30))
                #expect(status == 0, "\(orchestrator.output)")
                // Past the grace period and 10 s more, the runtime cancels everything: the handler, waiting for a
                // lock, must have been cancelled at the grace period itself.
                #expect(ContinuousClock.now - stopping < gracePeriod + .seconds(10),
                        "stopped after \(ContinuousClock.now - stopping)")
                try await connection.query("ROLLBACK", logger: logger)
                await redis.shutdown()
            }
            tasks.cancelAll()
        }
        let written = orchestrator.output.split(separator: "\n").filter {
            $0.contains("document version written") && $0.contains(change.changeID)
        }
        #expect(written.isEmpty, "the waiting change was left for another replica")
    }
}
