import Foundation
import KinexusPostgres
import Logging
import PostgresNIO

/// The documents and their versions, read-only: what the reviewer compares, the approver publishes and the
/// API shows. Only the orchestrator writes them; every read copes with tables not created yet.
public struct DocumentQueries: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// One version's markdown.
    public func markdown(of documentID: UUID, version: Int) async throws -> String? {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT markdown FROM docs.document_versions WHERE document_id = \(documentID) AND version = \(version)
            """, logger: logger) else { return nil }
        for try await markdown in rows.decode(String.self) { return markdown }
        return nil
    }

    /// The published page a document was written as an update of, if it was.
    public func baseMarkdown(of documentID: UUID) async throws -> String? {
        guard let rows = try await client.queryIfTablesExist(
            "SELECT base_markdown FROM docs.documents WHERE document_id = \(documentID)", logger: logger) else { return nil }
        for try await markdown in rows.decode(String?.self) { return markdown }
        return nil
    }

    /// What a version is compared with: the version before it, or, for the first version of a document that
    /// updates a published page, that page.
    public func predecessor(of documentID: UUID, version: Int) async throws -> Predecessor {
        if version > 1 {
            return try await markdown(of: documentID, version: version - 1).map { .version(version - 1, $0) } ?? .nothing
        }
        return try await baseMarkdown(of: documentID).map(Predecessor.publishedPage) ?? .nothing
    }

    /// The newest 500 documents, or the one named.
    public func documents(id: UUID?) async throws -> [DocumentSummary] {
        var documents: [DocumentSummary] = []
        guard let rows = try await client.queryIfTablesExist("""
            SELECT document_id, origin, ticket_key, title, status, current_version, updated_at FROM docs.documents
            WHERE \(id)::uuid IS NULL OR document_id = \(id)
            ORDER BY updated_at DESC LIMIT 500
            """, logger: logger) else { return [] }
        for try await (document, origin, key, title, status, version, updated)
            in rows.decode((UUID, String, String, String, String, Int, Date).self) {
            documents.append(DocumentSummary(documentID: document.uuidString.lowercased(), origin: origin, ticketKey: key,
                                             title: title, status: status, currentVersion: version, updatedAt: updated))
        }
        return documents
    }

    public func versions(of id: UUID) async throws -> [DocumentVersion] {
        var versions: [DocumentVersion] = []
        guard let rows = try await client.queryIfTablesExist("""
            SELECT version, change_id, feedback, created_at FROM docs.document_versions
            WHERE document_id = \(id) ORDER BY version
            """, logger: logger) else { return [] }
        for try await (version, change, feedback, created) in rows.decode((Int, String?, String?, Date).self) {
            versions.append(DocumentVersion(version: version, changeID: change, feedback: feedback, createdAt: created))
        }
        return versions
    }

    /// The reviewer's reviews of the document with the approver's decisions; either may not have started yet.
    public func reviews(of id: UUID) async throws -> [DocumentReviewSummary] {
        var reviews: [DocumentReviewSummary] = []
        guard let rows = try await client.queryIfTablesExist("""
            SELECT r.review_id, r.version, r.summary, d.decision
            FROM docs.reviews r LEFT JOIN docs.decisions d USING (review_id)
            WHERE r.document_id = \(id) ORDER BY r.version
            """, otherwise: """
            SELECT review_id, version, summary, NULL::text FROM docs.reviews WHERE document_id = \(id) ORDER BY version
            """, logger: logger) else { return [] }
        for try await (review, version, summary, decision) in rows.decode((UUID, Int, String, String?).self) {
            reviews.append(DocumentReviewSummary(reviewID: review.uuidString.lowercased(), version: version, summary: summary,
                                                 decision: decision))
        }
        return reviews
    }
}

/// The text a version of a document follows.
public enum Predecessor: Sendable, Equatable {
    case version(Int, String)
    case publishedPage(String)
    case nothing

    public var markdown: String {
        switch self {
        case .version(_, let markdown), .publishedPage(let markdown): markdown
        case .nothing: ""
        }
    }
}
