import EventBridgeRules
import Foundation
import KinexusJSON
import KinexusPostgres
import Logging
import PostgresNIO
import RuleQueries

/// The writes behind EventBridge's rule, target, connection and API destination operations: each change in one
/// transaction that also raises `rules.revision`, refused as EventBridge refuses it.
public struct RuleStore: Sendable {
    /// EventBridge's limit of targets per rule.
    public static let maximumTargets = 5

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public static func migrations() throws -> [Migration] {
        try Migration.loadBundled(Bundle.module.url(forResource: "Migrations", withExtension: nil), owner: "event-rules")
    }

    /// Creates the rule, or replaces its pattern, description and (when given) state.
    public func putRule(name: String, description: String?, pattern: String, enabled: Bool?) async throws {
        try await changing { connection in
            try await connection.tracedQuery("""
                INSERT INTO rules.rules (name, description, event_pattern, enabled) VALUES (\(name), \(description), \(pattern), \(enabled ?? true))
                ON CONFLICT (name) DO UPDATE SET description = excluded.description, event_pattern = excluded.event_pattern,
                    enabled = coalesce(\(enabled), rules.rules.enabled), updated_at = now(),
                    enabled_since = CASE WHEN \(enabled) AND NOT rules.rules.enabled THEN now() ELSE rules.rules.enabled_since END
                """, logger: logger)
        }
    }

    public func deleteRule(name: String) async throws {
        try await changing { connection in
            let targets = try await connection.tracedQuery("SELECT count(*) FROM rules.targets WHERE rule_name = \(name)", logger: logger)
            for try await count in targets.decode(Int.self) where count > 0 {
                throw AWSRefusal.validation("Rule can't be deleted since it has targets.")
            }
            try await connection.tracedQuery("DELETE FROM rules.rules WHERE name = \(name)", logger: logger)
        }
    }

    public func setEnabled(name: String, enabled: Bool) async throws {
        try await changing { connection in
            let rows = try await connection.tracedQuery(
                """
                UPDATE rules.rules SET enabled = \(enabled), updated_at = now(),
                    enabled_since = CASE WHEN \(enabled) AND NOT enabled THEN now() ELSE enabled_since END
                WHERE name = \(name) RETURNING 1
                """, logger: logger)
            guard try await rows.decode(Int.self).first(where: { _ in true }) != nil else { throw Self.noRule(name) }
        }
    }

    /// Adds the targets or replaces those with the same ids; a rule holds at most five.
    public func putTargets(rule: String, targets: [TargetDefinition]) async throws {
        try await changing { connection in
            let rows = try await connection.tracedQuery("SELECT 1 FROM rules.rules WHERE name = \(rule) FOR UPDATE", logger: logger)
            guard try await rows.decode(Int.self).first(where: { _ in true }) != nil else { throw Self.noRule(rule) }
            for target in targets {
                try await connection.tracedQuery("""
                    INSERT INTO rules.targets (rule_name, target_id, definition) VALUES (\(rule), \(target.id), \(target.json.jsonText)::jsonb)
                    ON CONFLICT (rule_name, target_id) DO UPDATE SET definition = excluded.definition
                    """, logger: logger)
            }
            let count = try await connection.tracedQuery("SELECT count(*) FROM rules.targets WHERE rule_name = \(rule)", logger: logger)
            for try await total in count.decode(Int.self) where total > Self.maximumTargets {
                throw AWSRefusal("LimitExceededException", "The requested resource exceeds the maximum number allowed: a rule has at most "
                    + "\(Self.maximumTargets) targets.")
            }
        }
    }

    /// Removes the targets; answers the ids the rule did not have.
    public func removeTargets(rule: String, ids: [String]) async throws -> [String] {
        try await changing { connection in
            let rows = try await connection.tracedQuery("SELECT 1 FROM rules.rules WHERE name = \(rule) FOR UPDATE", logger: logger)
            guard try await rows.decode(Int.self).first(where: { _ in true }) != nil else { throw Self.noRule(rule) }
            let removed = try await connection.tracedQuery(
                "DELETE FROM rules.targets WHERE rule_name = \(rule) AND target_id = ANY(\(ids)) RETURNING target_id", logger: logger)
            var gone: Set<String> = []
            for try await id in removed.decode(String.self) { gone.insert(id) }
            return ids.filter { !gone.contains($0) }
        }
    }

    /// Answers the new connection's id and creation time.
    public func createConnection(name: String, description: String?, definition: ConnectionDefinition) async throws -> (id: UUID, createdAt: Date) {
        try await changing { connection in
            let rows = try await connection.tracedQuery("""
                INSERT INTO rules.connections (name, description, authorization_type, auth_parameters)
                VALUES (\(name), \(description), \(definition.authorizationType), \(definition.stored.jsonText)::jsonb)
                ON CONFLICT (name) DO NOTHING RETURNING connection_id, created_at
                """, logger: logger)
            for try await (id, created) in rows.decode((UUID, Date).self) {
                return (id, created)
            }
            throw AWSRefusal("ResourceAlreadyExistsException", "Connection \(name) already exists.")
        }
    }

    /// Deletes the connection unless an API destination still uses it.
    public func deleteConnection(name: String) async throws {
        try await changing { connection in
            let users = try await connection.tracedQuery(
                "SELECT name FROM rules.api_destinations WHERE connection_name = \(name) ORDER BY name", logger: logger)
            var destinations: [String] = []
            for try await destination in users.decode(String.self) { destinations.append(destination) }
            guard destinations.isEmpty else {
                throw AWSRefusal.validation("Connection \(name) is used by the API destinations \(destinations.joined(separator: ", ")); delete them first.")
            }
            let rows = try await connection.tracedQuery("DELETE FROM rules.connections WHERE name = \(name) RETURNING 1", logger: logger)
            guard try await rows.decode(Int.self).first(where: { _ in true }) != nil else {
                throw AWSRefusal.notFound("Failed to describe the connection(s). Connection '\(name)' does not exist.")
            }
        }
    }

    public struct NewDestination: Sendable {
        public let name: String
        public let description: String?
        public let connectionName: String
        public let endpoint: String
        public let method: String
        public let rateLimitPerSecond: Int?

        public init(name: String, description: String?, connectionName: String, endpoint: String, method: String, rateLimitPerSecond: Int?) {
            self.name = name
            self.description = description
            self.connectionName = connectionName
            self.endpoint = endpoint
            self.method = method
            self.rateLimitPerSecond = rateLimitPerSecond
        }
    }

    /// Answers the new destination's id and creation time.
    public func createDestination(_ new: NewDestination) async throws -> (id: UUID, createdAt: Date) {
        try await changing { connection in
            let exists = try await connection.tracedQuery(
                "SELECT 1 FROM rules.connections WHERE name = \(new.connectionName) FOR SHARE", logger: logger)
            guard try await exists.decode(Int.self).first(where: { _ in true }) != nil else {
                throw AWSRefusal.notFound("Connection \(new.connectionName) does not exist.")
            }
            let rows = try await connection.tracedQuery("""
                INSERT INTO rules.api_destinations (name, description, connection_name, endpoint, http_method, rate_limit_per_second)
                VALUES (\(new.name), \(new.description), \(new.connectionName), \(new.endpoint), \(new.method), \(new.rateLimitPerSecond))
                ON CONFLICT (name) DO NOTHING RETURNING destination_id, created_at
                """, logger: logger)
            for try await (id, created) in rows.decode((UUID, Date).self) {
                return (id, created)
            }
            throw AWSRefusal("ResourceAlreadyExistsException", "An api-destination '\(new.name)' already exists.")
        }
    }

    public func deleteDestination(name: String) async throws {
        try await changing { connection in
            let rows = try await connection.tracedQuery("DELETE FROM rules.api_destinations WHERE name = \(name) RETURNING 1", logger: logger)
            guard try await rows.decode(Int.self).first(where: { _ in true }) != nil else {
                throw AWSRefusal.notFound("Failed to describe the api-destination(s). An api-destination '\(name)' does not exist.")
            }
        }
    }

    static func noRule(_ name: String) -> AWSRefusal {
        .notFound("Rule \(name) does not exist on EventBus \(EventBus.name).")
    }

    /// Runs `change` in a transaction that raises the revision, so every event-router replica reloads.
    private func changing<Result: Sendable>(_ change: @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.transaction(logger: logger) { connection in
            let result = try await change(connection)
            try await connection.tracedQuery("UPDATE rules.revision SET revision = revision + 1", logger: logger)
            return result
        }
    }
}
