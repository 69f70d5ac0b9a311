import Foundation
import Hummingbird
import HummingbirdTesting
import KinexusBus
import KinexusJSON
import KinexusPostgres
import KinexusRedis
import KinexusServiceKit
import KinexusTestSupport
@testable import KnowledgeAPI
@testable import KnowledgeBase
import KnowledgeIndexing
import KnowledgeQueries
import Logging
import PostgresNIO

/// kb-sync replicas consuming from Redis database 9, and the ingress's knowledge API on a router.
struct KnowledgeService {
    static let redisDatabase = 9
    static let token = "kb-token"
    let client: any TestClientProtocol
    let postgres: PostgresClient
    let redis: RedisClient
    let retriever: KnowledgeRetriever

    static func run(
        replicas: Int = 1, logger: Logger, _ body: @Sendable (KnowledgeService) async throws -> Void
    ) async throws {
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        let redis = try RedisClient(url: try TestEnvironment.redisURL(database: redisDatabase))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            try await KnowledgeBaseTests.prepare(postgres, logger: logger)
            let group = TestEnvironment.unique("kb-sync")
            let consumers = try (0..<replicas).map { replica in
                var configuration = BusConfiguration(group: group, consumer: "\(group)-\(replica)")
                configuration.readBlock = .milliseconds(100)
                configuration.retryBaseDelay = .milliseconds(100)
                let sync = KnowledgeSync(
                    store: KnowledgeStore(client: postgres, logger: logger), sources: KnowledgeSources(client: postgres, logger: logger),
                    runs: SyncRuns(client: postgres, logger: logger), chunker: MarkdownChunker(), embedder: FeatureHashingEmbedder(),
                    consumer: configuration.consumer, logger: logger)
                return try EventConsumer(redis: redis, configuration: configuration, subscriptions: try sync.subscriptions(), logger: logger)
            }
            let retriever = try KnowledgeRetriever.composed(postgres: postgres, environment: [:], logger: logger)
            let router = ServiceRuntime.router(logger: logger)
            let knowledge = KnowledgeAPI(
                postgres: postgres, retriever: retriever,
                publisher: EventPublisher(redis: redis, account: "000000000000", region: "local"),
                minimumRelevance: 0, logger: logger)
            router.group().add(middleware: APITokenAuthentication(apiToken: token)).addRoutes(knowledge.routes)
            try await whileConsuming(consumers, logger: logger) {
                try await Application(router: router).test(.router) { client in
                    try await body(KnowledgeService(client: client, postgres: postgres, redis: redis, retriever: retriever))
                }
            }
            tasks.cancelAll()
        }
        await redis.shutdown()
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil, contentType: String = "text/markdown",
              token: String? = KnowledgeService.token) async throws -> (status: HTTPResponse.Status, json: JSONValue) {
        var headers: HTTPFields = [.contentType: contentType]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
            ($0.status, (try? JSONValue(parsing: Array(buffer: $0.body))) ?? .null)
        }
    }

    /// The source's content hash once kb-sync has indexed `expected` (nil: once the source is gone).
    func indexed(_ sourceID: String, hash expected: String?) async throws -> Bool {
        try await eventually(every: .milliseconds(50)) {
            var found: String?
            for try await hash in try await postgres.query(
                "SELECT content_hash FROM kb.sources WHERE source_id = \(sourceID)", logger: Logger(label: "test")
            ).decode(String.self) { found = hash }
            guard let expected else { return found == nil }
            return found == ContentHash.of(FeatureHashingEmbedder().name + "\n" + expected)
        }
    }

    func generation() async throws -> Int64 {
        for try await value in try await postgres.query("SELECT generation FROM kb.state", logger: Logger(label: "test")).decode(Int64.self) {
            return value
        }
        return 0
    }
}
