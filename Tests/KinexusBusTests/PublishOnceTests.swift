import KinexusBus
import KinexusEvents
import KinexusTestSupport
import Testing

/// Several deliveries of one fact, one event: the first publishes and remembers, atomically.
struct PublishOnceTests {
    @Test func concurrentDeliveriesOfOneFactPublishOneEvent() async throws {
        let harness = try BusHarness()
        let key = "kinexus:test:once:" + TestEnvironment.unique("delivery")
        let id = TestEnvironment.unique("fact")
        let detail = KbSyncRequested(jobID: "j1")
        let stream = Topic(source: EventSource.kb.rawValue, detailType: KbSyncRequested.detailType).streamKey
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await harness.publisher.publish(detail, source: .kb, id: id, correlationID: "c",
                                                        onceFor: key, remembering: .seconds(60))
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        let lifetime = try await harness.redis.send("TTL", key).integer ?? -1
        #expect((1...60).contains(lifetime))
        let entries = StreamEntry.parseEntries(try await harness.redis.send("XREVRANGE", stream, "+", "-", "COUNT", "1000"), stream: stream)
            .filter { (try? $0.envelope().id) == id }
        #expect(entries.count == 1)
        #expect(entries.first?.correlationID == "c")
    }
}
