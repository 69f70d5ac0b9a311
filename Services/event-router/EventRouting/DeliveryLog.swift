import Foundation
import KinexusPostgres
import Logging
import PostgresNIO

/// The `routing.deliveries` table: one row per attempt, kept `retention`.
struct DeliveryLog: Sendable {
    enum Outcome: String, Sendable {
        case delivered
        case retrying
        case deadLettered = "dead_lettered"
    }

    struct Attempt: Sendable {
        let rule: String
        let target: String
        let eventID: String
        let attempt: Int
        let outcome: Outcome
        let statusCode: Int?
        let error: String?
        let duration: Duration
    }

    let client: PostgresClient
    let logger: Logger

    static func migrations() throws -> [Migration] {
        try Migration.loadBundled(Bundle.module.url(forResource: "Migrations", withExtension: nil), owner: "event-router")
    }

    func record(_ attempt: Attempt) async throws {
        let milliseconds = Int(clamping: attempt.duration.components.seconds * 1000 + attempt.duration.components.attoseconds / 1_000_000_000_000_000)
        try await client.tracedQuery("""
            INSERT INTO routing.deliveries (rule_name, target_id, event_id, attempt, outcome, status_code, error, duration_ms)
            VALUES (\(attempt.rule), \(attempt.target), \(attempt.eventID), \(attempt.attempt), \(attempt.outcome.rawValue),
                    \(attempt.statusCode), \(attempt.error.map { String($0.prefix(2000)) }), \(milliseconds))
            """, logger: logger)
    }

    func prune(olderThan age: Duration) async throws {
        try await client.tracedQuery(
            "DELETE FROM routing.deliveries WHERE attempted_at < now() - make_interval(secs => \(Double(age.components.seconds)))",
            logger: logger)
    }
}
