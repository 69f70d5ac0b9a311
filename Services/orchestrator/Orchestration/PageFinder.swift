import DocumentWriting
import KinexusEvents
import KinexusPostgres
import Logging
import PostgresNIO

/// Published pages a change may be about, for the writer to choose from.
public protocol PageFinder: Sendable {
    func candidates(for change: ChangeDetected) async throws -> [RelatedPage]
}

/// Full-text search of the built-in page store, which the approver writes on every publication.
public struct PageStoreFinder: PageFinder {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func candidates(for change: ChangeDetected) async throws -> [RelatedPage] {
        let words = KeywordOverlap.keywords(([change.summary] + change.components).joined(separator: " ")).sorted()
        guard !words.isEmpty else { return [] }
        // Keywords are letters and digits only, so joining them with `|` is a valid tsquery.
        let query = words.joined(separator: " | ")
        // The approver creates the page store; until it has run once there is nothing published.
        guard let rows = try await client.queryIfTablesExist("""
            SELECT title, markdown FROM docs.pages,
                 to_tsquery('simple', \(query)) AS query
            WHERE to_tsvector('simple', title || ' ' || markdown) @@ query
            ORDER BY ts_rank(to_tsvector('simple', title), query) DESC, updated_at DESC
            LIMIT 10
            """, logger: logger) else { return [] }
        var pages: [RelatedPage] = []
        for try await (title, markdown) in rows.decode((String, String).self) {
            pages.append(RelatedPage(title: title, markdown: markdown))
        }
        return pages
    }
}
