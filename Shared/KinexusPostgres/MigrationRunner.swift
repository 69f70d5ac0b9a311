import Logging
import PostgresNIO

/// Applies migrations once, in order, each in its own transaction, recorded under their owner. Replicas
/// starting together take turns under one advisory lock: the first applies, the others find nothing left.
public struct MigrationRunner: Sendable {
    /// Shared by every service, so that even the first creation of `schema_migrations` never races.
    static let lockKey: Int64 = 0x6B69_6E65_7875_73  // "kinexus"

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Answers the versions applied by this call.
    @discardableResult
    public func run(_ migrations: [Migration]) async throws -> [Int] {
        try await client.withConnection { connection in
            try await connection.tracedQuery("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let applied = try await apply(migrations, on: connection)
                try await connection.tracedQuery("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.tracedQuery("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    private func apply(_ migrations: [Migration], on connection: PostgresConnection) async throws -> [Int] {
        try await connection.tracedQuery("""
            CREATE TABLE IF NOT EXISTS public.schema_migrations (
                service text NOT NULL,
                version integer NOT NULL,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (service, version))
            """, logger: logger)
        // `service` names the owner: the column kept its first name, so every database keeps its record.
        struct Applied: Hashable { let owner: String, version: Int }
        var done: Set<Applied> = []
        for try await (owner, version) in try await connection.tracedQuery(
            "SELECT service, version FROM public.schema_migrations WHERE service = ANY(\(Array(Set(migrations.map(\.owner)))))",
            logger: logger
        ).decode((String, Int).self) {
            done.insert(Applied(owner: owner, version: version))
        }
        var applied: [Int] = []
        for migration in migrations where !done.contains(Applied(owner: migration.owner, version: migration.version)) {
            try await connection.tracedQuery("BEGIN", logger: logger)
            do {
                for statement in SQLStatements.split(migration.sql) {
                    try await connection.tracedQuery(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.tracedQuery("""
                    INSERT INTO public.schema_migrations (service, version, name)
                    VALUES (\(migration.owner), \(migration.version), \(migration.name))
                    """, logger: logger)
                try await connection.tracedQuery("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.tracedQuery("ROLLBACK", logger: logger)
                throw MigrationFailed(owner: migration.owner, version: migration.version, name: migration.name, underlying: error)
            }
            logger.info("migration applied", metadata: ["owner": "\(migration.owner)", "version": "\(migration.version)",
                                                         "migration": "\(migration.name)"])
            applied.append(migration.version)
        }
        return applied
    }
}

public struct MigrationFailed: Error, CustomStringConvertible {
    public let owner: String
    public let version: Int
    public let name: String
    public let underlying: any Error

    public var description: String {
        "migration \(version)_\(name) of \(owner) failed and was rolled back: \(String(reflecting: underlying))"
    }
}
