import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusRedis
import KinexusTestSupport
import Logging
import ServiceLifecycle
import Synchronization

/// One test's own topic, groups and consumers on the shared test Redis, with fast timings.
struct BusHarness {
    let redis: RedisClient
    let source = TestEnvironment.unique("kinexus.test")
    let detailType = "ChangeDetected"

    init() throws {
        redis = try TestEnvironment.redisClient()
    }

    var topic: Topic { Topic(source: source, detailType: detailType) }

    var pattern: String { #"{"source": ["\#(source)"], "detail-type": ["\#(detailType)"]}"# }

    /// Two seconds of visibility: short enough for claim tests, long enough that the whole suite starting at
    /// once on two cores (half a second with every task late) does not look like a dead consumer.
    func configuration(group: String, consumer: String = TestEnvironment.unique("consumer")) -> BusConfiguration {
        BusConfiguration(
            group: group, consumer: consumer, maxAttempts: 3, visibilityTimeout: .seconds(2),
            retryBaseDelay: .milliseconds(100), readBlock: .milliseconds(100), shutdownGracePeriod: .seconds(5))
    }

    var publisher: EventPublisher {
        EventPublisher(redis: redis, account: "000000000000", region: "local")
    }

    func envelope(id: String = UUID().uuidString.lowercased(), detail: JSONValue = .object(["n": 1])) -> EventEnvelope {
        EventEnvelope(id: id, detailType: detailType, source: source, account: "000000000000", region: "local", detail: detail)
    }

    @discardableResult
    func publish(_ envelopes: EventEnvelope...) async throws -> [String] {
        try await publisher.publish(envelopes.map { EventPublisher.Outgoing(envelope: $0) })
    }

    func pendingCount(group: String) async throws -> Int {
        let summary = try await redis.send("XPENDING", topic.streamKey, group)
        return Int(summary.array?.first?.integer ?? 0)
    }
}

/// Runs consumers until the body returns, then shuts them down gracefully.
func withConsumers(
    _ consumers: [EventConsumer], _ body: () async throws -> Void
) async throws {
    for consumer in consumers { try await consumer.prepare() }
    let group = ServiceGroup(configuration: .init(
        services: consumers.map { .init(service: $0) }, gracefulShutdownSignals: [],
        logger: Logger(label: "test")))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            try await body()
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

/// What handlers saw, safe to share with them.
final class Recorder: Sendable {
    struct Call: Sendable {
        let eventID: String
        let consumer: String
        let attempt: Int
        let at: ContinuousClock.Instant
    }

    private let calls = Mutex<[Call]>([])

    func record(_ envelope: EventEnvelope, _ context: EventContext, consumer: String) {
        calls.withLock { $0.append(Call(eventID: envelope.id, consumer: consumer, attempt: context.attempt, at: .now)) }
    }

    var all: [Call] { calls.withLock { $0 } }
    var count: Int { calls.withLock { $0.count } }

    func count(of eventID: String) -> Int { calls.withLock { $0.filter { $0.eventID == eventID }.count } }
}

struct Flaky: Error, CodedError {
    let code = "flaky_dependency"
}
