@testable import Codegen
import Foundation
import KinexusBus
import KinexusEvents
import KinexusPostgres
import KinexusRedis
import KinexusTestSupport
import Logging
import PostgresNIO

/// The codegen worker on the test Redis and Postgres, with a data directory of its own: local bare
/// repositories, real git. Each suite has a Redis database of its own (5 the flow, 8 GitHub): a worker in
/// one would otherwise also run the other's tasks.
struct CodegenHarness {
    let redisDatabase: Int
    let logger = Logger(label: "test")
    /// The chain a task's request arrived in, for runs started by hand.
    let chain = EventChain(correlationID: "test-chain", traceparent: nil, tracestate: nil)
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("kinexus-codegen-\(UUID().uuidString)").path

    func settings(maxSessions: Int = 5, timeoutSeconds: Int = 60) throws -> CodegenSettings {
        try CodegenSettings(environment: ["KINEXUS_DATA_DIR": data, "KINEXUS_CODEGEN_MAX_SESSIONS": "\(maxSessions)",
                                          "KINEXUS_CODEGEN_TIMEOUT": "\(timeoutSeconds)", "KINEXUS_PUBLIC_URL": "http://kinexus.test"])
    }

    /// An agent running `script` with `/bin/sh`, with `DATA` set to the data directory.
    func scripted(_ script: String, timeoutSeconds: Int = 60) -> CommandAgent {
        CommandAgent(command: script, timeout: .seconds(timeoutSeconds), transcriptLimit: 64 * 1024,
                     environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "DATA": data])
    }

    func withCodegen(
        agent: any CodingAgent, host: (any CodeHost)? = nil, maxSessions: Int = 5, timeoutSeconds: Int = 60, replicas: Int = 1,
        _ body: @Sendable (EventPublisher, PostgresClient, RedisClient) async throws -> Void
    ) async throws {
        let redis = try RedisClient(url: try TestEnvironment.redisURL(database: redisDatabase))
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        let settings = try settings(maxSessions: maxSessions, timeoutSeconds: timeoutSeconds)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            try await MigrationRunner(client: postgres, logger: logger).run(try TaskStore.migrations())
            let group = TestEnvironment.unique("codegen")
            let consumers = try (0..<replicas).map { replica in
                var configuration = BusConfiguration(group: group, consumer: "\(group)-\(replica)")
                configuration.readBlock = .milliseconds(100)
                configuration.retryBaseDelay = .milliseconds(100)
                configuration.maxAttempts = 2
                let worker = CodegenWorker(
                    store: TaskStore(client: postgres, logger: logger), host: host ?? LocalRepositories(root: settings.repositories),
                    agent: agent, settings: settings, consumer: configuration.consumer, maxAttempts: configuration.maxAttempts,
                    heartbeatInterval: .milliseconds(200), logger: logger)
                return try EventConsumer(redis: redis, configuration: configuration, subscriptions: try worker.subscriptions(),
                                         logger: logger)
            }
            let publisher = EventPublisher(redis: redis, account: "000000000000", region: "local")
            try await whileConsuming(consumers, logger: logger) { try await body(publisher, postgres, redis) }
            tasks.cancelAll()
        }
        await redis.shutdown()
        try? FileManager.default.removeItem(atPath: data)
    }

    struct TaskRow: Sendable {
        let status: String
        let attempts: Int
        let error: String?
        let transcript: String?
    }

    func task(_ id: String, _ postgres: PostgresClient) async throws -> TaskRow? {
        let rows = try await postgres.query(
            "SELECT status, attempts, error, transcript FROM codegen.tasks WHERE task_id = \(id)", logger: logger)
        for try await (status, attempts, error, transcript) in rows.decode((String, Int, String?, String?).self) {
            return TaskRow(status: status, attempts: attempts, error: error, transcript: transcript)
        }
        return nil
    }

    /// Waits until the task is completed or failed.
    func finished(_ id: String, _ postgres: PostgresClient, within timeout: Duration = .seconds(60)) async throws -> TaskRow? {
        var row: TaskRow?
        _ = try await eventually(timeout: timeout, every: .milliseconds(50)) {
            row = try await task(id, postgres)
            return row.map { $0.status != "processing" } ?? false
        }
        return row
    }

    struct PullRequestRow: Sendable {
        let branch: String
        let files: [String]
        let filesChanged: Int
        let url: String
        let diffStat: String
        let body: String
    }

    func pullRequest(of task: String, _ postgres: PostgresClient) async throws -> PullRequestRow? {
        let rows = try await postgres.query("""
            SELECT branch, files, files_changed, url, diff_stat, body FROM codegen.pull_requests WHERE task_id = \(task)
            """, logger: logger)
        for try await (branch, files, count, url, stat, body) in rows.decode((String, [String], Int, String, String, String).self) {
            return PullRequestRow(branch: branch, files: files, filesChanged: count, url: url, diffStat: stat, body: body)
        }
        return nil
    }

    /// Runs git in the local bare repository, as a reviewer fetching the branch would see it.
    func inRepository(_ arguments: String...) async throws -> String {
        let settings = try settings()
        let git = Git(directory: LocalRepositories(root: settings.repositories).path(of: settings.repository))
        return try await git.run(arguments)
    }

    func request(_ prompt: String = "Add a greeting.", storyID: String? = nil, tests: [AcceptanceCriterion] = []) -> CodegenRequested {
        CodegenRequested(taskID: UUID().uuidString.lowercased(), prompt: prompt, storyID: storyID,
                         title: storyID == nil ? nil : "Greet the user", acceptanceTests: tests)
    }
}
