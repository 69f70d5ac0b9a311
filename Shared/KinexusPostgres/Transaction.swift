import Logging
import PostgresNIO

extension PostgresClient {
    /// `withTransaction`, throwing the body's own error rather than PostgresNIO's wrapper around it: a
    /// handler's coded errors (permanent or not, and their codes) must reach the bus as they were thrown.
    public func transaction<Result>(
        logger: Logger, isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        do {
            return try await withTransaction(logger: logger, isolation: isolation, body)
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError { throw closureError }
            throw error
        }
    }
}
