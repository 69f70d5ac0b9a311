import KinexusBus
import KinexusEvents
import KinexusRedis
import KinexusTestSupport
import Testing

/// `kinexus streams`, the console's operations page and the event-router's clean-up read every topic's groups.
struct BusStatsTests {
    @Test func everyGroupOfSixHundredTopicsIsReportedWithItsPendingLagAndOldestEntry() async throws {
        let redis = try TestEnvironment.redisClient()
        let source = TestEnvironment.unique("stats")
        let streams = (0..<600).map { Topic(source: "\(source).\($0)", detailType: "Counted").streamKey }
        let (busy, idle) = (TestEnvironment.unique("busy"), TestEnvironment.unique("idle"))
        _ = try await redis.pipeline(streams.flatMap { [RedisCommand("XADD", $0, "*", "n", "1"), RedisCommand("XGROUP", "CREATE", $0, idle, "0")] })
        let watched = streams[550]
        _ = try await redis.pipeline([RedisCommand("XADD", watched, "*", "n", "2"), RedisCommand("XADD", watched, "*", "n", "3"),
                                      RedisCommand("XGROUP", "CREATE", watched, busy, "0")])
        try await redis.send("XREADGROUP", "GROUP", busy, "worker", "COUNT", "2", "STREAMS", watched, ">")

        let stats = try await BusAdmin(redis: redis).stats().filter { $0.stream.hasPrefix(Topic.prefix + source + ".") }

        #expect(Set(stats.filter { $0.group == idle }.map(\.stream)) == Set(streams))
        #expect(stats.count == 601)
        let busyRow = try #require(stats.first { $0.group == busy })
        #expect(busyRow.stream == watched)
        #expect([busyRow.length, busyRow.pending, busyRow.lag, busyRow.consumers] == [3, 2, 1, 1])
        #expect(try #require(busyRow.oldestPendingAgeSeconds) < 600)
        let idleRow = try #require(stats.first { $0.group == idle && $0.stream == watched })
        #expect([idleRow.length, idleRow.pending, idleRow.lag, idleRow.consumers] == [3, 0, 3, 0])
        #expect(idleRow.oldestPendingAgeSeconds == nil)
        _ = try await redis.pipeline(streams.map { RedisCommand("DEL", $0) })
        await redis.shutdown()
    }
}
