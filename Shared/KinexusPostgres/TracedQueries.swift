import Logging
import PostgresNIO
import Tracing

// PostgresNIO emits no spans. Every query goes through `tracedQuery`, which is a client span inside a trace;
// the span ends when the rows start to arrive, and its text holds placeholders, never the bound values.

extension PostgresClient {
    @discardableResult
    public func tracedQuery(_ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line) async throws
        -> PostgresRowSequence
    {
        try await traced(query) { try await self.query(query, logger: logger, file: file, line: line) }
    }
}

extension PostgresConnection {
    @discardableResult
    public func tracedQuery(_ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line) async throws
        -> PostgresRowSequence
    {
        try await traced(query) { try await self.query(query, logger: logger, file: file, line: line) }
    }
}

private func traced(_ query: PostgresQuery, _ send: () async throws -> PostgresRowSequence) async throws -> PostgresRowSequence {
    guard ServiceContext.current != nil else { return try await send() }
    let operation = QuerySpan.operation(of: query.sql)
    return try await withSpan(operation, ofKind: .client) { span in
        if span.isRecording {
            span.attributes["db.system.name"] = "postgresql"
            span.attributes["db.operation.name"] = operation
            span.attributes["db.query.text"] = String(query.sql.prefix(QuerySpan.longestText))
        }
        return try await send()
    }
}

enum QuerySpan {
    static let longestText = 4096

    /// The statement's first keyword, upper-cased: `SELECT`, `INSERT`, `WITH`.
    static func operation(of sql: String) -> String {
        let keyword = sql.drop(while: { $0.isWhitespace || $0 == "(" }).prefix(while: { $0.isLetter })
        return keyword.isEmpty ? "postgresql" : keyword.uppercased()
    }
}
