import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` holding the transaction-scoped advisory lock `name`, across every replica. A caller that
    /// finds it taken waits in short sleeps holding no connection, rather than inside Postgres: it cannot
    /// exhaust the pool the holder needs, and it notices cancellation, so a shutdown is never held up by
    /// another's lock. The lock ends with the transaction, however `body` ends. Callers in this process take turns
    /// first (`LocalTurns`), so only one of them at a time asks Postgres.
    public func whileHolding<Result: Sendable>(
        lock name: String, logger: Logger, _ body: () async throws -> Result
    ) async throws -> Result {
        try await LocalTurns.shared.take(name)
        defer { LocalTurns.shared.end(name) }
        var pause = Duration.milliseconds(5)
        while true {
            let attempt: LockAttempt<Result> = try await transaction(logger: logger) { connection in
                let rows = try await connection.tracedQuery("SELECT pg_try_advisory_xact_lock(hashtextextended(\(name), 0))", logger: logger)
                for try await taken in rows.decode(Bool.self) where taken { return .held(try await body()) }
                return .taken
            }
            if case .held(let result) = attempt { return result }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(100))
        }
    }
}

private enum LockAttempt<Result: Sendable>: Sendable {
    case held(Result)
    case taken
}
