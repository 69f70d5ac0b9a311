import Logging
import PostgresNIO

/// Applies a service's migrations once, in order, each in its own transaction. Replicas starting together
/// take turns under one advisory lock: the first applies, the others find nothing left to do.
public struct MigrationRunner: Sendable {
    /// Shared by every service, so that even the first creation of `schema_migrations` never races.
    static let lockKey: Int64 = 0x6B69_6E65_7875_73  // "kinexus"

    let client: PostgresClient
    let service: String
    let logger: Logger

    public init(client: PostgresClient, service: String, logger: Logger) {
        self.client = client
        self.service = service
        self.logger = logger
    }

    /// Answers the versions applied by this call.
    @discardableResult
    public func run(_ migrations: [Migration]) async throws -> [Int] {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let applied = try await apply(migrations, on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    private func apply(_ migrations: [Migration], on connection: PostgresConnection) async throws -> [Int] {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS public.schema_migrations (
                service text NOT NULL,
                version integer NOT NULL,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (service, version))
            """, logger: logger)
        var done: Set<Int> = []
        for try await version in try await connection.query(
            "SELECT version FROM public.schema_migrations WHERE service = \(service)", logger: logger
        ).decode(Int.self) {
            done.insert(version)
        }
        var applied: [Int] = []
        for migration in migrations where !done.contains(migration.version) {
            try await connection.query("BEGIN", logger: logger)
            do {
                for statement in SQLStatements.split(migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("""
                    INSERT INTO public.schema_migrations (service, version, name)
                    VALUES (\(service), \(migration.version), \(migration.name))
                    """, logger: logger)
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw MigrationFailed(service: service, version: migration.version, name: migration.name, underlying: error)
            }
            logger.info("migration applied", metadata: ["service": "\(service)", "version": "\(migration.version)",
                                                         "migration": "\(migration.name)"])
            applied.append(migration.version)
        }
        return applied
    }
}

public struct MigrationFailed: Error, CustomStringConvertible {
    public let service: String
    public let version: Int
    public let name: String
    public let underlying: any Error

    public var description: String {
        "migration \(version)_\(name) of \(service) failed and was rolled back: \(String(reflecting: underlying))"
    }
}
