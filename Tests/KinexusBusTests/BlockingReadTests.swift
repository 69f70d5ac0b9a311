import KinexusBus
import KinexusRedis
import KinexusTestSupport
import Testing

/// A subscription's blocking read has a connection of its own. On the client's shared pool, an event-router with
/// more rules than the pool has connections held every thread in `BLOCK`: each ack, claim and lease, and the
/// router's own look for new topics, waited behind a round of reads, and a topic published after a rule was
/// never delivered.
struct BlockingReadTests {
    @Test func everySubscriptionWaitsForEventsAtOnceOnAOnePoolClientAndItsEventsArrive() async throws {
        let harness = try BusHarness()
        // The connections of this test alone, told apart in CLIENT LIST by a Redis user of its own.
        let user = TestEnvironment.unique("reader"), password = TestEnvironment.unique("secret")
        try await harness.redis.send("ACL", "SETUSER", user, "on", ">" + password, "~*", "&*", "+@all")
        var configuration = try RedisConfiguration(url: try TestEnvironment.redisURL())
        configuration.username = user
        configuration.password = password
        configuration.maxConnections = 1
        let redis = RedisClient(configuration: configuration)
        let recorder = Recorder()
        let sources = (1...3).map { harness.source + "-\($0)" }
        let subscriptions = try sources.map { source in
            try Subscription(pattern: #"{"source": ["\#(source)"], "detail-type": ["\#(harness.detailType)"]}"#) { envelope, context in
                recorder.record(envelope, context, consumer: source)
            }
        }
        var bus = harness.configuration(group: TestEnvironment.unique("blocking"))
        bus.readBlock = .seconds(2)
        let consumer = try EventConsumer(redis: redis, configuration: bus, subscriptions: subscriptions)
        try await withConsumers([consumer]) {
            #expect(try await eventually { try await blockedReads(of: user, on: harness.redis) == 3 },
                    "three subscriptions blocked at once beside a pool of one connection")
            _ = try await harness.publisher.publish(sources.map {
                .init(envelope: .init(detailType: harness.detailType, source: $0, account: "000000000000", region: "local", detail: ["n": 1]))
            })
            #expect(await eventually { recorder.count == 3 })
        }
        await redis.shutdown()
        try await harness.redis.send("ACL", "DELUSER", user)
    }

    /// The connections of `user` that Redis has blocked in XREADGROUP now.
    private func blockedReads(of user: String, on redis: RedisClient) async throws -> Int {
        let list = try await redis.send("CLIENT", "LIST").string ?? ""
        return list.split(separator: "\n").filter { line in
            let fields = Set(line.split(separator: " ").map(String.init))
            return fields.contains("user=\(user)") && fields.contains("cmd=xreadgroup") && fields.contains("flags=b")
        }.count
    }
}
