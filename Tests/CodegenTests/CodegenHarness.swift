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
/// repositories, real git. Each suite has a Redis database of its own (5 the flow, 8 GitHub, 11 iterations): a worker in
/// one would otherwise also run the other's tasks.
struct CodegenHarness {
    let redisDatabase: Int
    let logger = Logger(label: "test")
    /// The chain a task's request arrived in, for runs started by hand.
    let chain = EventChain(correlationID: "test-chain", traceparent: nil, tracestate: nil)
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("kinexus-codegen-\(UUID().uuidString)").path
    /// The workers' consumer group: each test's own.
    let group = TestEnvironment.unique("codegen")

    func settings(maxSessions: Int = 5, timeoutSeconds: Int = 60, maxIterations: Int = 5) throws -> CodegenSettings {
        try CodegenSettings(environment: ["KINEXUS_DATA_DIR": data, "KINEXUS_CODEGEN_MAX_SESSIONS": "\(maxSessions)",
                                          "KINEXUS_CODEGEN_TIMEOUT": "\(timeoutSeconds)", "KINEXUS_PUBLIC_URL": "http://kinexus.test",
                                          "KINEXUS_CODEGEN_MAX_ITERATIONS": "\(maxIterations)"])
    }

    /// An agent running `script` with `/bin/sh`, with `DATA` set to the data directory.
    func scripted(_ script: String, timeoutSeconds: Int = 60) -> CommandAgent {
        CommandAgent(command: script, timeout: .seconds(timeoutSeconds), transcriptLimit: 64 * 1024,
                     environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "DATA": data])
    }

    func withCodegen(
        agent: any CodingAgent, host: (any CodeHost)? = nil, maxSessions: Int = 5, timeoutSeconds: Int = 60, maxIterations: Int = 5,
        replicas: Int = 1, _ body: @Sendable (EventPublisher, PostgresClient, RedisClient) async throws -> Void
    ) async throws {
        let redis = try RedisClient(url: try TestEnvironment.redisURL(database: redisDatabase))
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        let settings = try settings(maxSessions: maxSessions, timeoutSeconds: timeoutSeconds, maxIterations: maxIterations)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            try await MigrationRunner(client: postgres, logger: logger).run(try TaskStore.migrations())
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
    func finished(_ id: String, _ postgres: PostgresClient) async throws -> TaskRow? {
        var row: TaskRow?
        _ = try await eventually(every: .milliseconds(50)) {
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

    /// The first event of the type from `source` that `matches`, once it is published.
    func published<Detail: EventDetail>(
        _ type: Detail.Type, _ redis: RedisClient, from source: EventSource = .codegen, _ matches: @escaping (Detail) -> Bool
    ) async throws -> Detail? {
        let stream = Topic(source: source.rawValue, detailType: Detail.detailType).streamKey
        var found: Detail?
        _ = try await eventually {
            found = StreamEntry.parseEntries(try await redis.send("XRANGE", stream, "-", "+"), stream: stream)
                .compactMap { try? $0.envelope().decodeDetail(as: Detail.self) }.first(where: matches)
            return found != nil
        }
        return found
    }

    func request(_ prompt: String = "Add a greeting.", storyID: String? = nil, tests: [AcceptanceCriterion] = []) -> CodegenRequested {
        CodegenRequested(taskID: UUID().uuidString.lowercased(), prompt: prompt, storyID: storyID,
                         title: storyID == nil ? nil : "Greet the user", acceptanceTests: tests)
    }
}

extension CodegenHarness {
    struct IterationRow: Sendable {
        let status: String
        let commit: String?
        let answer: String?
        let answerURL: String?
        let transcript: String?
        let reason: String?
        let feedback: [CodeFeedback]
    }

    func iteration(_ task: String, _ number: Int, _ postgres: PostgresClient) async throws -> IterationRow? {
        let rows = try await postgres.query("""
            SELECT status, commit, answer, answer_url, transcript, reason, feedback::text FROM codegen.iterations
            WHERE task_id = \(task) AND number = \(number)
            """, logger: logger)
        for try await (status, commit, answer, url, transcript, reason, feedback)
            in rows.decode((String, String?, String?, String?, String?, String?, String).self)
        {
            return IterationRow(status: status, commit: commit, answer: answer, answerURL: url, transcript: transcript, reason: reason,
                                feedback: try JSONDecoder().decode([CodeFeedback].self, from: Data(feedback.utf8)))
        }
        return nil
    }

    /// Waits until the iteration has ended.
    func iterated(_ task: String, _ number: Int, _ postgres: PostgresClient) async throws -> IterationRow? {
        var row: IterationRow?
        _ = try await eventually(every: .milliseconds(50)) {
            row = try await iteration(task, number, postgres)
            return row.map { !["queued", "processing"].contains($0.status) } ?? false
        }
        return row
    }

    func count(_ sql: String, _ task: String, _ postgres: PostgresClient) async throws -> Int {
        let rows = try await postgres.query(PostgresQuery(unsafeSQL: sql, binds: {
            var binds = PostgresBindings()
            binds.append(task)
            return binds
        }()), logger: logger)
        for try await value in rows.decode(Int.self) { return value }
        return 0
    }

    /// The workers have read all of `stream` and acknowledged all they read.
    func handled(_ stream: String, _ redis: RedisClient) async -> Bool {
        await KinexusTestSupport.handled(stream, by: group, redis)
    }

    /// The first run writes first.txt; an iteration copies the feedback TASK.md gives it into review-<n>.md,
    /// unless `$DATA/hold` exists, until `$DATA/release` does. Every run is counted in `$DATA/runs`.
    var iteratingAgent: CommandAgent {
        scripted("""
            echo run >> "$DATA/runs"
            if grep -q '^## Review feedback' TASK.md; then
              while [ -f "$DATA/hold" ] && [ ! -f "$DATA/release" ]; do sleep 0.05; done
              n=$(sed -n 's/^## Review feedback (iteration \\([0-9]*\\))$/\\1/p' TASK.md)
              sed -n '/^## Review feedback/,/^## Constraints/p' TASK.md | grep -v '^## Constraints' > "review-$n.md"
              echo "answered iteration $n"
            else
              echo first > first.txt
              echo "first run"
            fi
            """)
    }

    /// How much of the task's feedback is in `status`.
    func feedback(of task: String, _ status: String, _ postgres: PostgresClient) async throws -> Int {
        try await count("SELECT count(*)::int FROM codegen.feedback WHERE task_id = $1 AND status = '\(status)'", task, postgres)
    }

    /// The feedback of one person, as the console or a webhook gives it.
    func feedback(_ body: String, by author: String = "ana", origin: String = "console") -> CodeFeedback {
        CodeFeedback(origin: origin, author: author, body: body)
    }
}
