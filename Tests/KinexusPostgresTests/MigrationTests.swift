import Foundation
import KinexusPostgres
import KinexusTestSupport
import Logging
import PostgresNIO
import Testing

struct MigrationTests {
    let logger = Logger(label: "test")

    func directory(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(TestEnvironment.unique("migrations"))
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, sql) in files {
            try sql.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return url
    }

    func withClient<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                    backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    func appliedVersions(_ client: PostgresClient, service: String) async throws -> [Int] {
        var versions: [Int] = []
        for try await version in try await client.query(
            "SELECT version FROM public.schema_migrations WHERE service = \(service) ORDER BY version", logger: logger
        ).decode(Int.self) {
            versions.append(version)
        }
        return versions
    }

    @Test func migrationsStartedFromTwoProcessesAtOnceApplyOnce() async throws {
        let service = TestEnvironment.unique("svc").replacingOccurrences(of: "-", with: "_")
        let files = try directory([
            "001_create.sql": "CREATE SCHEMA \(service); CREATE TABLE \(service).items (id text PRIMARY KEY); SELECT pg_sleep(0.5);",
            "002_column.sql": "ALTER TABLE \(service).items ADD COLUMN name text NOT NULL DEFAULT '';",
        ])
        let environment = ["TEST_SERVICE": service, "TEST_MIGRATIONS_DIR": files.path,
                           "KINEXUS_POSTGRES_URL": try TestEnvironment.postgresURL()]
        let first = try ChildProcess(executable: "TestProcess", arguments: ["migrate"], environment: environment)
        let second = try ChildProcess(executable: "TestProcess", arguments: ["migrate"], environment: environment)
        try first.start()
        try second.start()
        #expect(await first.exitStatus(within: .seconds(30)) == 0, "\(first.output)")
        #expect(await second.exitStatus(within: .seconds(30)) == 0, "\(second.output)")
        let outputs = [first.output, second.output].map { $0.split(separator: "\n").last.map(String.init) ?? "" }.sorted()
        #expect(outputs == ["applied ", "applied 1,2"], "one process applies both; the other finds nothing to do")
        let versions = try await withClient { client in try await appliedVersions(client, service: service) }
        #expect(versions == [1, 2])
    }

    @Test func aFailingMigrationRollsBackAndStopsTheRest() async throws {
        let service = TestEnvironment.unique("svc").replacingOccurrences(of: "-", with: "_")
        let migrations = [
            Migration(version: 1, name: "create", sql: "CREATE SCHEMA \(service); CREATE TABLE \(service).t (id int);", owner: service),
            Migration(version: 2, name: "broken", sql: "CREATE TABLE \(service).u (id int); SELECT no_such_function();", owner: service),
            Migration(version: 3, name: "later", sql: "CREATE TABLE \(service).v (id int);", owner: service),
        ]
        try await withClient { client in
            let runner = MigrationRunner(client: client, logger: logger)
            await #expect {
                try await runner.run(migrations)
            } throws: { error in
                (error as? MigrationFailed)?.version == 2
            }
            #expect(try await appliedVersions(client, service: service) == [1])
            let leftovers = try await client.query(
                "SELECT count(*)::int FROM information_schema.tables WHERE table_schema = \(service) AND table_name = 'u'",
                logger: logger).collect()
            #expect(try leftovers.first?.decode(Int.self) == 0, "the half-done migration is rolled back")

            let fixed = [migrations[0], Migration(version: 2, name: "fixed", sql: "CREATE TABLE \(service).u (id int);", owner: service), migrations[2]]
            #expect(try await runner.run(fixed) == [2, 3])
            #expect(try await runner.run(fixed) == [])
        }
    }

    /// Two owners in one service (the ingress's stories and knowledge bucket) each number from 1, and each
    /// owner's record is its own: a later version of one does not hide a first version of the other.
    @Test func everyOwnerCountsItsMigrationsFromOne() async throws {
        let first = TestEnvironment.unique("own").replacingOccurrences(of: "-", with: "_")
        let second = TestEnvironment.unique("own").replacingOccurrences(of: "-", with: "_")
        try await withClient { (client: PostgresClient) async throws -> Void in
            let runner = MigrationRunner(client: client, logger: logger)
            let initial = [
                Migration(version: 1, name: "a", sql: "CREATE SCHEMA \(first); CREATE TABLE \(first).t (id int);", owner: first),
                Migration(version: 2, name: "b", sql: "CREATE TABLE \(first).u (id int);", owner: first),
            ]
            #expect(try await runner.run(initial) == [1, 2])
            let both = initial + [Migration(version: 1, name: "a", sql: "CREATE SCHEMA \(second); CREATE TABLE \(second).t (id int);",
                                            owner: second)]
            #expect(try await runner.run(both) == [1])
            #expect(try await appliedVersions(client, service: first) == [1, 2])
            #expect(try await appliedVersions(client, service: second) == [1])
            #expect(try await runner.run(both) == [])
        }
    }

    @Test func filesLoadInVersionOrderAndBadNamesAreRefused() throws {
        let good = try directory(["010_later.sql": "SELECT 10;", "002_first.sql": "SELECT 2;", "README.md": "ignored"])
        #expect(try Migration.load(from: good, owner: "test").map(\.version) == [2, 10])
        #expect(try Migration.load(from: good, owner: "test").map(\.name) == ["first", "later"])
        #expect(throws: Migration.InvalidFile.self) { try Migration.load(from: try directory(["create.sql": ""]), owner: "test") }
        #expect(throws: Migration.InvalidFile.self) {
            try Migration.load(from: try directory(["001_a.sql": "", "1_b.sql": ""]), owner: "test")
        }
    }

    @Test(arguments: ["mysql://u@h/db", "postgres://h/db", "postgres://u@/db", "postgres://u@h/db?sslmode=bogus"])
    func badPostgresURLsAreRefused(url: String) {
        #expect(throws: PostgresSettings.InvalidURL.self) { try PostgresSettings.configuration(url: url) }
    }
}
