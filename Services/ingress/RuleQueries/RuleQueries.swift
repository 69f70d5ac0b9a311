import EventBridgeRules
import Foundation
import KinexusJSON
import KinexusPostgres
import Logging
import PostgresNIO

/// Read-only access to the `rules` tables, for the AWS endpoint, the event-router and the console.
public struct RuleQueries: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func revision() async throws -> Int64 {
        let rows = try await client.tracedQuery("SELECT revision FROM rules.revision", logger: logger)
        for try await revision in rows.decode(Int64.self) { return revision }
        return 0
    }

    /// Rules whose name starts with `prefix`, by name, after `after`.
    public func rules(prefix: String = "", after: String = "", limit: Int = 100) async throws -> [RuleRecord] {
        let rows = try await client.tracedQuery("""
            SELECT name, description, event_pattern, enabled, created_at FROM rules.rules
            WHERE starts_with(name, \(prefix)) AND name > \(after) ORDER BY name LIMIT \(limit)
            """, logger: logger)
        var rules: [RuleRecord] = []
        for try await (name, description, pattern, enabled, created) in rows.decode((String, String?, String, Bool, Date).self) {
            rules.append(RuleRecord(name: name, description: description, eventPattern: pattern, enabled: enabled, createdAt: created))
        }
        return rules
    }

    public func rule(named name: String) async throws -> RuleRecord? {
        try await rules(prefix: name, limit: 1).first { $0.name == name }
    }

    public func targets(of rule: String) async throws -> [TargetDefinition] {
        let rows = try await client.tracedQuery(
            "SELECT definition::text FROM rules.targets WHERE rule_name = \(rule) ORDER BY target_id", logger: logger)
        var targets: [TargetDefinition] = []
        for try await definition in rows.decode(String.self) {
            if let target = try? TargetDefinition(json: try JSONValue(parsing: definition)) { targets.append(target) }
        }
        return targets
    }

    public func connections(prefix: String = "", limit: Int? = 100) async throws -> [ConnectionRecord] {
        let rows = try await client.tracedQuery("""
            SELECT name, connection_id, description, auth_parameters::text, created_at, updated_at FROM rules.connections
            WHERE starts_with(name, \(prefix)) ORDER BY name LIMIT \(limit)
            """, logger: logger)
        var connections: [ConnectionRecord] = []
        for try await (name, id, description, parameters, created, updated) in rows.decode((String, UUID, String?, String, Date, Date).self) {
            connections.append(ConnectionRecord(
                name: name, id: id, description: description,
                definition: ConnectionDefinition(stored: (try? JSONValue(parsing: parameters)) ?? .null), createdAt: created, updatedAt: updated))
        }
        return connections
    }

    public func connection(named name: String) async throws -> ConnectionRecord? {
        try await connections(prefix: name).first { $0.name == name }
    }

    public func destinations(prefix: String = "", connection: String? = nil, limit: Int? = 100) async throws -> [DestinationRecord] {
        let rows = try await client.tracedQuery("""
            SELECT name, destination_id, description, connection_name, endpoint, http_method, rate_limit_per_second, created_at, updated_at
            FROM rules.api_destinations
            WHERE starts_with(name, \(prefix)) AND (\(connection)::text IS NULL OR connection_name = \(connection)) ORDER BY name LIMIT \(limit)
            """, logger: logger)
        var destinations: [DestinationRecord] = []
        for try await (name, id, description, connection, endpoint, method, rate, created, updated)
            in rows.decode((String, UUID, String?, String, String, String, Int?, Date, Date).self)
        {
            destinations.append(DestinationRecord(name: name, id: id, description: description, connectionName: connection, endpoint: endpoint,
                                                  method: method, rateLimitPerSecond: rate, createdAt: created, updatedAt: updated))
        }
        return destinations
    }

    public func destination(named name: String) async throws -> DestinationRecord? {
        try await destinations(prefix: name).first { $0.name == name }
    }

    /// Every enabled rule's targets, with what they deliver to. The revision is read first: a change made while
    /// the rest is read raises it past this table's, so the next poll reads again.
    public func routingTable() async throws -> RoutingTable {
        let revision = try await revision()
        let rows = try await client.tracedQuery("""
            SELECT r.name, r.description, r.event_pattern, r.created_at, t.definition::text, greatest(r.enabled_since, t.created_at)
            FROM rules.rules r JOIN rules.targets t ON t.rule_name = r.name WHERE r.enabled ORDER BY r.name, t.target_id
            """, logger: logger)
        var pairs: [(RuleRecord, TargetDefinition, Date)] = []
        for try await (name, description, pattern, created, definition, since) in rows.decode((String, String?, String, Date, String, Date).self) {
            guard let target = try? TargetDefinition(json: try JSONValue(parsing: definition)) else { continue }
            pairs.append((RuleRecord(name: name, description: description, eventPattern: pattern, enabled: true, createdAt: created), target, since))
        }
        let destinations = Dictionary(try await destinations(limit: nil).map { ($0.name, $0) }) { first, _ in first }
        let connections = Dictionary(try await connections(limit: nil).map { ($0.name, $0) }) { first, _ in first }
        return RoutingTable(revision: revision, routes: pairs.map { rule, target, since in
            let destination = destinations[target.destinationName]
            return RoutingTable.Route(rule: rule, target: target, since: since, destination: destination,
                                      connection: destination.flatMap { connections[$0.connectionName] })
        })
    }
}
