import Foundation
import KinexusBus
import KinexusPostgres
import KinexusServiceKit
import Logging
import PostgresNIO

/// `TestProcess consume`: a service whose handler records `started` and `handled` in a Redis list,
/// sleeping `TEST_HANDLER_SECONDS` between them (then, with `TEST_HANDLER_QUERIES_POSTGRES`, querying the
/// service's Postgres, and with `TEST_HANDLER_GATE`, asking its Redis until that key exists), after a warm-up
/// of `TEST_WARM_UP_SECONDS`; its first `TEST_FAILURES` attempts at each event fail after `started`.
/// `TestProcess migrate`: applies the migrations in `TEST_MIGRATIONS_DIR` for `TEST_SERVICE` and exits.
/// Like `kinexus <service>`, an error ends it with status 1 (a bad setting 78), never a trap.
let environment = ProcessInfo.processInfo.environment
let service = environment["TEST_SERVICE"] ?? "test-process"

func consume() async throws {
    let runtime = configured { try ServiceRuntime(service: service) }
    let redis = runtime.redis, postgres = runtime.postgres, logger = runtime.logger
    let recordKey = environment["TEST_RECORD_KEY"] ?? "test-process:records"
    let seconds = Double(environment["TEST_HANDLER_SECONDS"] ?? "0") ?? 0
    let queriesPostgres = environment["TEST_HANDLER_QUERIES_POSTGRES"] != nil
    let gate = environment["TEST_HANDLER_GATE"]
    let consumer = runtime.configuration.bus.consumer
    let failures = Int(environment["TEST_FAILURES"] ?? "0") ?? 0
    let subscription = configured {
        try Subscription(pattern: environment["TEST_PATTERN"] ?? "{}") { envelope, context in
            try await redis.send("RPUSH", recordKey, "started \(envelope.id) \(consumer)")
            if context.attempt <= failures { throw TestFailure(attempt: context.attempt) }
            context.logger.info("handling")
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            if queriesPostgres {
                _ = try await postgres.tracedQuery("SELECT 1 AS handler_query", logger: logger).collect()
            }
            while let gate, try await redis.send("EXISTS", gate).integer != 1 {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await redis.send("RPUSH", recordKey, "handled \(envelope.id) \(consumer)")
        }
    }
    let warmUp = Double(environment["TEST_WARM_UP_SECONDS"] ?? "0") ?? 0
    try await runtime.run(warmUp: { try await Task.sleep(for: .milliseconds(Int(warmUp * 1000))) }, subscriptions: [subscription])
}

func migrate() async throws {
    let logger = Logger(label: "test-process")
    let client = PostgresClient(
        configuration: try PostgresSettings.configuration(url: environment["KINEXUS_POSTGRES_URL"] ?? PostgresSettings.defaultURL),
        backgroundLogger: logger)
    let migrations = try Migration.load(from: URL(fileURLWithPath: environment["TEST_MIGRATIONS_DIR"] ?? "."), owner: service)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        let applied = try await MigrationRunner(client: client, logger: logger).run(migrations)
        print("applied \(applied.map(String.init).joined(separator: ","))")
        group.cancelAll()
    }
}

do {
    switch CommandLine.arguments.dropFirst().first {
    case "consume": try await consume()
    case "migrate": try await migrate()
    default:
        FileHandle.standardError.write(Data("usage: TestProcess consume | migrate\n".utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
    exit(1)
}

struct TestFailure: Error {
    let attempt: Int
}
