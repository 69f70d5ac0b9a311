import Foundation
import KinexusBus
import KinexusPostgres
import Logging
import PostgresNIO

/// The reviews, read-only, with the approver's decisions beside them: for the review API and the console.
/// Only the reviewer writes reviews; every read copes with tables not created yet.
public struct ReviewQueries: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func record(_ id: UUID) async throws -> ReviewRecord? {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT r.review_id, r.document_id, r.version, r.title, r.ticket_key, r.review_ticket_key, r.summary, r.created_at,
                   r.version = (SELECT max(version) FROM docs.reviews WHERE document_id = r.document_id),
                   (SELECT decision FROM docs.decisions d WHERE d.review_id = r.review_id)
            FROM docs.reviews r WHERE r.review_id = \(id)
            """, otherwise: """
            SELECT r.review_id, r.document_id, r.version, r.title, r.ticket_key, r.review_ticket_key, r.summary, r.created_at,
                   r.version = (SELECT max(version) FROM docs.reviews WHERE document_id = r.document_id), NULL::text
            FROM docs.reviews r WHERE r.review_id = \(id)
            """, logger: logger) else { return nil }
        return try await records(rows).first
    }

    /// The chain the review's document version came in on, which its decision continues; nil for a review
    /// written before reviews kept it.
    public func chain(of id: UUID) async throws -> EventChain? {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT correlation_id, traceparent, tracestate FROM docs.reviews WHERE review_id = \(id) AND correlation_id IS NOT NULL
            """, logger: logger) else { return nil }
        for try await (correlationID, traceparent, tracestate) in rows.decode((String, String?, String?).self) {
            return EventChain(correlationID: correlationID, traceparent: traceparent, tracestate: tracestate)
        }
        return nil
    }

    /// The reviews waiting for a decision (of a document's current version, undecided), longest waiting
    /// first: `limit` of them from `bound` (a review's creation time and id), from the first when nil.
    public func open(from bound: PageBound?, limit: Int) async throws -> [ReviewRecord] {
        let page = KeysetPage(bound, newestFirst: false, firstID: KeysetPage.anyUUID)
        guard let id = UUID(uuidString: page.id) else { return [] }
        let columns = """
            SELECT r.review_id, r.document_id, r.version, r.title, r.ticket_key, r.review_ticket_key, r.summary, r.created_at,
                   true, NULL::text
            FROM docs.reviews r JOIN docs.documents doc USING (document_id)
            WHERE r.version = doc.current_version
            """
        let order = "ORDER BY r.created_at \(page.order), r.review_id \(page.order)"
        guard let rows = try await client.queryIfTablesExist("""
            \(unescaped: columns) AND (r.created_at, r.review_id) \(unescaped: page.comparison) (\(page.time)::timestamptz, \(id))
            AND NOT EXISTS (SELECT FROM docs.decisions d WHERE d.review_id = r.review_id) \(unescaped: order) LIMIT \(limit)
            """, otherwise: """
            \(unescaped: columns) AND (r.created_at, r.review_id) \(unescaped: page.comparison) (\(page.time)::timestamptz, \(id))
            \(unescaped: order) LIMIT \(limit)
            """, logger: logger) else { return [] }
        return page.rows(try await records(rows))
    }

    /// The decisions on every version of a document, oldest first.
    public func decisions(ofDocument documentID: UUID) async throws -> [RecordedDecision] {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT r.review_id, r.version, d.decision, d.comment, d.reviewer, d.decided_at
            FROM docs.reviews r JOIN docs.decisions d USING (review_id) WHERE r.document_id = \(documentID) ORDER BY r.version
            """, logger: logger) else { return [] }
        var decisions: [RecordedDecision] = []
        for try await (review, version, decision, comment, reviewer, decidedAt)
            in rows.decode((UUID, Int, String, String, String, Date).self) {
            decisions.append(RecordedDecision(reviewID: review.uuidString.lowercased(), version: version, decision: decision,
                                              comment: comment, reviewer: reviewer, decidedAt: decidedAt))
        }
        return decisions
    }

    /// The page published from the review's version, and the review of a later version, when there are.
    public func aftermath(of review: ReviewRecord) async throws -> Aftermath {
        var aftermath = Aftermath()
        guard let documentID = UUID(uuidString: review.documentID) else { return aftermath }
        if let rows = try await client.queryIfTablesExist("""
            SELECT pub.page_url, p.slug FROM docs.publications pub LEFT JOIN docs.pages p USING (document_id)
            WHERE pub.document_id = \(documentID) AND pub.version = \(review.version) LIMIT 1
            """, logger: logger) {
            for try await (url, slug) in rows.decode((String, String?).self) { aftermath.publication = (url, slug) }
        }
        if let rows = try await client.queryIfTablesExist("""
            SELECT review_id FROM docs.reviews WHERE document_id = \(documentID) AND version > \(review.version)
            ORDER BY version LIMIT 1
            """, logger: logger) {
            for try await id in rows.decode(UUID.self) { aftermath.revisionReviewID = id.uuidString.lowercased() }
        }
        return aftermath
    }

    private func records(_ rows: PostgresRowSequence) async throws -> [ReviewRecord] {
        var records: [ReviewRecord] = []
        for try await (review, document, version, title, key, reviewTicket, summary, created, latest, decision)
            in rows.decode((UUID, UUID, Int, String, String?, String?, String, Date, Bool, String?).self) {
            records.append(ReviewRecord(
                reviewID: review.uuidString.lowercased(), documentID: document.uuidString.lowercased(), version: version,
                title: title, ticketKey: key, reviewTicketKey: reviewTicket, summary: summary, createdAt: created,
                underReview: latest && decision == nil, decision: decision))
        }
        return records
    }
}
