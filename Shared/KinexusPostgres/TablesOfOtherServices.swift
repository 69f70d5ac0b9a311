import Logging
import PostgresNIO

extension PostgresClient {
    /// The query's rows, or nil when a table it reads does not exist yet: a service reading another's tables
    /// may start before that service has applied its migrations, and then there is nothing to read.
    public func queryIfTablesExist(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence? {
        do {
            return try await self.tracedQuery(query, logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P01" {
            return nil
        }
    }
}

extension PostgresClient {
    /// The rows of `query`, or, when a table it reads does not exist yet, of `fallback`, which reads fewer
    /// services' tables; nil when neither can be read.
    public func queryIfTablesExist(_ query: PostgresQuery, otherwise fallback: PostgresQuery, logger: Logger) async throws
        -> PostgresRowSequence?
    {
        if let rows = try await queryIfTablesExist(query, logger: logger) { return rows }
        return try await queryIfTablesExist(fallback, logger: logger)
    }
}
