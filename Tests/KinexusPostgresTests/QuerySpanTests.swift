@testable import KinexusPostgres
import Testing

/// A query's span is named after its statement, never its text: the text may be long.
struct QuerySpanTests {
    @Test(arguments: [
        ("SELECT 1", "SELECT"), ("\n    insert into docs.reviews VALUES ($1)", "INSERT"), ("WITH x AS (SELECT 1) SELECT * FROM x", "WITH"),
        ("(SELECT 1) UNION (SELECT 2)", "SELECT"), ("-- a comment\nSELECT 1", "postgresql"), ("", "postgresql"),
    ])
    func theOperationIsTheFirstKeyword(sql: String, operation: String) {
        #expect(QuerySpan.operation(of: sql) == operation)
    }
}
