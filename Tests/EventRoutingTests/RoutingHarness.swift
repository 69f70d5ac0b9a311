import EventBridgeRules
import EventRouting
import EventRules
import FakeServices
import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusPostgres
import KinexusRedis
import KinexusTestSupport
import Logging
import PostgresNIO
import Synchronization
import Testing

/// An endpoint that records what it is sent and answers as the test says.
final class RecordingEndpoint: Sendable {
    struct Received: Sendable {
        let request: FakeRequest
        let at: ContinuousClock.Instant
    }

    private let state = Mutex<(received: [Received], answers: [Int])>(([], []))

    /// The statuses to answer in turn; after them, 200.
    init(answers: [Int] = []) {
        state.withLock { $0.answers = answers }
    }

    func answerNext(_ statuses: [Int]) {
        state.withLock { $0.answers += statuses }
    }

    var received: [Received] { state.withLock { $0.received } }

    func handle(_ request: FakeRequest) -> FakeResponse {
        let status = state.withLock { state in
            state.received.append(Received(request: request, at: .now))
            return state.answers.isEmpty ? 200 : state.answers.removeFirst()
        }
        return .json(status, "{}")
    }

    /// Waits until `count` requests have arrived (or a minute has passed) and answers them.
    func waitFor(_ count: Int) async -> [Received] {
        _ = await eventually { received.count >= count }
        return received
    }
}

/// The event-router against the test Redis and a Postgres database of its own (rules of other suites are not
/// its business), with rules made through the same store the AWS endpoint writes with.
struct RoutingHarness {
    static let secrets = SecretBox(key: Array(repeating: 9, count: 32))
    let redis: RedisClient
    let postgres: PostgresClient
    let store: RuleStore
    let publisher: EventPublisher
    let logger = Logger(label: "routing-test")
    let bus = EventBus(account: "000000000000", region: "local")

    static func run(_ body: @Sendable (RoutingHarness) async throws -> Void) async throws {
        let logger = Logger(label: "routing-test")
        let redis = try TestEnvironment.redisClient()
        let postgres = PostgresClient(
            configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL(database: "kinexus_routing_tests")),
            backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.run() }
            try await MigrationRunner(client: postgres, logger: logger).run(try RuleStore.migrations() + EventRouter.migrations())
            let harness = RoutingHarness(redis: redis, postgres: postgres, store: RuleStore(client: postgres, logger: logger),
                                         publisher: EventPublisher(redis: redis, account: "000000000000", region: "local"))
            try await body(harness)
            group.cancelAll()
        }
        await redis.shutdown()
    }

    /// Runs an event-router replica named `consumer` while `body` runs.
    func withRouter(consumer: String = TestEnvironment.unique("router"), environment: [String: String] = [:],
                    _ body: @Sendable () async throws -> Void) async throws {
        var configuration = BusConfiguration(group: "event-router", consumer: consumer, retryBaseDelay: .milliseconds(50),
                                             readBlock: .milliseconds(100), shutdownGracePeriod: .seconds(2))
        configuration.visibilityTimeout = .seconds(5)
        let router = try EventRouter.composed(postgres: postgres, redis: redis, bus: configuration,
                                              environment: environment.merging(["KINEXUS_SECRETS_KEY": String(repeating: "09", count: 32)]) { $1 },
                                              logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await router.run() }
            try await body()
            group.cancelAll()
        }
    }

    /// A connection, an API destination at `endpoint` and a rule with one target; answers the rule's name.
    func rule(pattern: String, endpoint: String, rateLimit: Int? = nil, target: [String: JSONValue] = [:],
              authorization: (type: String, parameters: JSONValue) = ("API_KEY", ["ApiKeyAuthParameters": ["ApiKeyName": "X-Api-Key", "ApiKeyValue": "k-123"]]))
        async throws -> String
    {
        let name = TestEnvironment.unique("rule")
        let connection = try ConnectionDefinition(type: authorization.type, parameters: authorization.parameters, box: Self.secrets)
        _ = try await store.createConnection(name: name, description: nil, definition: connection)
        _ = try await store.createDestination(.init(name: name, description: nil, connectionName: name, endpoint: endpoint, method: "POST",
                                                    rateLimitPerSecond: rateLimit ?? 300))
        try await store.putRule(name: name, description: nil, pattern: pattern, enabled: true)
        var definition: [String: JSONValue] = ["Id": "endpoint", "Arn": .string(bus.apiDestinationARN(name, id: "x"))]
        definition.merge(target) { $1 }
        try await store.putTargets(rule: name, targets: [try TargetDefinition(json: .object(definition))])
        return name
    }

    func publish(source: String, detailType: String = "OrderPlaced", _ details: [JSONValue]) async throws -> [EventEnvelope] {
        let events = details.map {
            EventPublisher.Outgoing(envelope: EventEnvelope(detailType: detailType, source: source, account: "000000000000", region: "local",
                                                            detail: $0))
        }
        _ = try await publisher.publish(events)
        return events.map(\.envelope)
    }

    /// The recorded outcomes of `rule`'s deliveries, oldest first.
    func outcomes(_ rule: String) async throws -> [String] {
        let rows = try await postgres.query("SELECT outcome FROM routing.deliveries WHERE rule_name = \(rule) ORDER BY delivery_id")
        var outcomes: [String] = []
        for try await outcome in rows.decode(String.self) { outcomes.append(outcome) }
        return outcomes
    }

    /// Waits until `rule`'s recorded outcomes satisfy `done` (or a minute has passed), and answers them.
    func outcomes(_ rule: String, until done: ([String]) -> Bool) async throws -> [String] {
        var current: [String] = []
        _ = try await eventually {
            current = try await outcomes(rule)
            return done(current)
        }
        return current
    }
}
