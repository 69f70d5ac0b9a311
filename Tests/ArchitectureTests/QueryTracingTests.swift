import Foundation
import Testing

/// PostgresNIO emits no spans: every query goes through KinexusPostgres's `tracedQuery`, so a trace shows
/// where a handler's time went. A module calling PostgresNIO's `query` itself would leave a hole in it.
struct QueryTracingTests {
    static func untracedQueries(in source: String) -> [String] {
        source.matches(of: #/\.query\(\s*(?:"|PostgresQuery|query\b)/#).map { String($0.output) }
    }

    @Test func everyModuleQueriesPostgresThroughTheTracedCall() throws {
        var untraced: [String] = []
        for (module, folder) in try TableOwnershipTests.moduleFolders() where module != "KinexusPostgres" {
            let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
            for file in files where file.pathExtension == "swift" {
                untraced += Self.untracedQueries(in: try String(contentsOf: file, encoding: .utf8)).map { "\(module)/\(file.lastPathComponent): \($0)" }
            }
        }
        #expect(untraced == [])
    }

    @Test func theScanFindsAnUntracedQuery() {
        #expect(Self.untracedQueries(in: #"try await connection.query("SELECT 1", logger: logger)"#).count == 1)
        #expect(Self.untracedQueries(in: "try await client.query(\n    \"\"\"\n    SELECT 1\n    \"\"\", logger: logger)").count == 1)
        #expect(Self.untracedQueries(in: "try await client.query(query, logger: logger)").count == 1)
        #expect(Self.untracedQueries(in: #"try await client.tracedQuery("SELECT 1", logger: logger); retriever.search(text.query())"#).isEmpty)
    }
}
