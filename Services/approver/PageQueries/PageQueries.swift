import Foundation
import KinexusPostgres
import Logging
import PostgresNIO

/// The built-in page store and every publication, read-only: for the pages API and the console. Only the
/// approver writes them; every read copes with tables not created yet.
public struct PageQueries: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The pages, most recently published first: `limit` of them from `bound` (a page's publication and slug), from
    /// the newest when nil.
    public func pages(from bound: PageBound?, limit: Int) async throws -> [PublishedPage] {
        let page = KeysetPage(bound, newestFirst: true, firstID: "")
        guard let rows = try await client.queryIfTablesExist("""
            SELECT slug, document_id, title, '', version, updated_at FROM docs.pages
            WHERE (updated_at, slug) \(unescaped: page.comparison) (\(page.time)::timestamptz, \(page.id))
            ORDER BY updated_at \(unescaped: page.order), slug \(unescaped: page.order) LIMIT \(limit)
            """, logger: logger) else { return [] }
        return page.rows(try await decode(rows))
    }

    /// One page with its markdown.
    public func page(_ slug: String) async throws -> PublishedPage? {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT slug, document_id, title, markdown, version, updated_at FROM docs.pages WHERE slug = \(slug)
            """, logger: logger) else { return nil }
        return try await decode(rows).first
    }

    /// Every version of a document that was published, newest first.
    public func publications(of documentID: UUID) async throws -> [Publication] {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT version, page_url, published_at FROM docs.publications WHERE document_id = \(documentID)
            ORDER BY version DESC, published_at DESC
            """, logger: logger) else { return [] }
        var publications: [Publication] = []
        for try await (version, url, published) in rows.decode((Int, String, Date).self) {
            publications.append(Publication(version: version, url: url, publishedAt: published))
        }
        return publications
    }

    private func decode(_ rows: PostgresRowSequence) async throws -> [PublishedPage] {
        var pages: [PublishedPage] = []
        for try await (slug, document, title, markdown, version, updated) in rows.decode((String, UUID, String, String, Int, Date).self) {
            pages.append(PublishedPage(slug: slug, documentID: document, title: title, markdown: markdown, version: version,
                                       updatedAt: updated))
        }
        return pages
    }
}

public struct PublishedPage: Sendable {
    public let slug: String
    public let documentID: UUID
    public let title: String
    /// Empty in lists.
    public let markdown: String
    public let version: Int
    public let updatedAt: Date
}

public struct Publication: Sendable {
    public let version: Int
    public let url: String
    public let publishedAt: Date
}
