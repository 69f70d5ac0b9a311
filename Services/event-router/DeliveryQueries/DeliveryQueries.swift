import Foundation
import KinexusPostgres
import Logging
import PostgresNIO

/// Read-only access to `routing.deliveries`, for the console: no attempts until the event-router has made its table.
public struct DeliveryQueries: Sendable {
    /// How one target has fared: its attempts by outcome since a time, and its last attempt.
    public struct TargetSummary: Sendable, Equatable {
        public let rule: String
        public let target: String
        public let delivered: Int
        public let retried: Int
        public let deadLettered: Int
        public let lastAttempt: Date?
    }

    public struct Attempt: Sendable, Equatable {
        public let target: String
        public let eventID: String
        public let attempt: Int
        public let outcome: String
        public let statusCode: Int?
        public let error: String?
        public let durationMilliseconds: Int
        public let at: Date
    }

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func summaries(since: Date) async throws -> [TargetSummary] {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT rule_name, target_id, count(*) FILTER (WHERE outcome = 'delivered'), count(*) FILTER (WHERE outcome = 'retrying'),
                   count(*) FILTER (WHERE outcome = 'dead_lettered'), max(attempted_at)
            FROM routing.deliveries WHERE attempted_at >= \(since) GROUP BY rule_name, target_id ORDER BY rule_name, target_id
            """, logger: logger) else { return [] }
        var summaries: [TargetSummary] = []
        for try await (rule, target, delivered, retried, dead, last) in rows.decode((String, String, Int, Int, Int, Date?).self) {
            summaries.append(TargetSummary(rule: rule, target: target, delivered: delivered, retried: retried, deadLettered: dead, lastAttempt: last))
        }
        return summaries
    }

    /// The rule's latest attempts, newest first.
    public func attempts(rule: String, limit: Int) async throws -> [Attempt] {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT target_id, event_id, attempt, outcome, status_code, error, duration_ms, attempted_at FROM routing.deliveries
            WHERE rule_name = \(rule) ORDER BY delivery_id DESC LIMIT \(limit)
            """, logger: logger) else { return [] }
        var attempts: [Attempt] = []
        for try await (target, event, attempt, outcome, status, error, duration, at)
            in rows.decode((String, String, Int, String, Int?, String?, Int, Date).self)
        {
            attempts.append(Attempt(target: target, eventID: event, attempt: attempt, outcome: outcome, statusCode: status, error: error,
                                    durationMilliseconds: duration, at: at))
        }
        return attempts
    }
}
