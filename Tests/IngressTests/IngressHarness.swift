import Atlassian
import Hummingbird
import HummingbirdTesting
@testable import Ingress
import KinexusBus
import KinexusEvents
import KinexusRedis
import KinexusServiceKit
import KinexusPostgres
import KinexusTestSupport
import Logging
import PostgresNIO
import TaskQueries

/// The ingress's router, as the service builds it, against the test Redis.
struct IngressHarness {
    let redis: RedisClient
    var jira: JiraClient?

    func run(environment: [String: String], _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void)
        async throws
    {
        let configuration = try IngressConfiguration(environment: environment)
        let publisher = EventPublisher(redis: redis, account: "000000000000", region: "local")
        let logger = Logger(label: "test")
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        let router = ServiceRuntime.router(logger: logger)
        router.addRoutes(WebhookRoutes(configuration: configuration, redis: redis, publisher: publisher, jiraClient: jira,
                                       tasks: TaskQueries(client: postgres, logger: logger), logger: logger).routes)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.run() }
            try await Application(router: router).test(.router) { client in try await body(client) }
            group.cancelAll()
        }
    }

    /// The envelopes with `id` among the latest entries of `stream`.
    func published(on stream: String, id: String) async throws -> [EventEnvelope] {
        let entries = StreamEntry.parseEntries(
            try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", "1000"), stream: stream)
        return entries.compactMap { try? $0.envelope() }.filter { $0.id == id }
    }
}
