import Foundation
import KinexusBus
import KinexusEvents
import KinexusPostgres
import Logging
import PostgresNIO

/// ReviewDecisionSubmitted → the decision recorded once → approved: the page published to the built-in
/// page store and DocumentationPublished; needs revision: RevisionRequested; rejected: DocumentRejected.
public struct Approver: Sendable {
    let client: PostgresClient
    /// When set, only these reviewers' decisions count.
    let approvers: Set<String>?
    /// Comments by this author are Kinexus's own (the page link it posts) and are never decisions.
    let ownAuthor: String?
    /// Where the ingress serves the page store: `<base>/pages/<slug>`.
    let publicURL: String
    let logger: Logger

    public init(client: PostgresClient, approvers: Set<String>?, ownAuthor: String?, publicURL: String, logger: Logger) {
        self.client = client
        self.approvers = approvers
        self.ownAuthor = ownAuthor
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.logger = logger
    }

    public static func migrations() throws -> [Migration] {
        try Migration.loadBundled(Bundle.module.url(forResource: "Migrations", withExtension: nil), service: "approver")
    }

    public func subscriptions() throws -> [Subscription] {
        [try Subscription(ReviewDecisionSubmitted.self, from: [.approval, .console]) { submitted, context in
            try await decide(submitted, context: context)
        }]
    }

    struct Review {
        let reviewID: UUID
        let documentID: UUID
        let version: Int
        let title: String
        let isLatest: Bool
        let decided: Bool
    }

    func decide(_ submitted: ReviewDecisionSubmitted, context: EventContext) async throws {
        let logger = context.logger
        if let ownAuthor, submitted.reviewer == ownAuthor {
            return logger.debug("ignoring a comment Kinexus wrote itself")
        }
        if let approvers, !approvers.contains(submitted.reviewer) {
            return logger.warning("ignoring a decision by someone not in KINEXUS_APPROVERS",
                                  metadata: ["reviewer": "\(submitted.reviewer)"])
        }
        guard let decision = submitted.decision.flatMap(ReviewDecision.init(rawValue:))
            ?? ReviewDecision.read(comment: submitted.comment)
        else {
            return logger.info("the comment states no decision", metadata: ["review_id": "\(submitted.reviewID ?? "-")"])
        }
        guard let review = try await review(for: submitted) else {
            return logger.warning("no review matches the decision", metadata: [
                "review_id": "\(submitted.reviewID ?? "-")", "ticket_key": "\(submitted.ticketKey ?? "-")",
            ])
        }
        guard review.isLatest, !review.decided else {
            // The ingress refuses these with a 409; one that arrives by Jira comment changes nothing either.
            return logger.warning("the document is no longer under review in this version; nothing changes", metadata: [
                "review_id": "\(review.reviewID)", "latest": "\(review.isLatest)", "decided": "\(review.decided)",
            ])
        }
        let eventID = context.eventID
        let followUpID = EventID.derived(from: "decided:" + eventID)
        let documentID = review.documentID.uuidString.lowercased(), reviewID = review.reviewID.uuidString.lowercased()
        switch decision {
        case .approved:
            let page = try await client.withTransaction(logger: logger) { connection in
                try await record(decision, submitted, review, eventID: eventID, on: connection)
                return try await publish(review, eventID: eventID, on: connection)
            }
            try await context.publish(DocumentationPublished(
                documentID: documentID, version: review.version, title: review.title, pageID: page.slug, pageURL: page.url),
                source: .approval, id: followUpID)
            logger.info("documentation published", metadata: ["page_url": "\(page.url)", "version": "\(review.version)"])
        case .needsRevision:
            try await client.withTransaction(logger: logger) { connection in
                try await record(decision, submitted, review, eventID: eventID, on: connection)
            }
            try await context.publish(RevisionRequested(
                documentID: documentID, reviewID: reviewID, feedback: submitted.comment, reviewer: submitted.reviewer),
                source: .approval, id: followUpID)
        case .rejected:
            try await client.withTransaction(logger: logger) { connection in
                try await record(decision, submitted, review, eventID: eventID, on: connection)
            }
            try await context.publish(DocumentRejected(
                documentID: documentID, reviewID: reviewID, reason: submitted.comment, reviewer: submitted.reviewer),
                source: .approval, id: followUpID)
        }
    }

    /// The review the decision is about, by id or by its Jira review ticket, with whether it still stands.
    private func review(for submitted: ReviewDecisionSubmitted) async throws -> Review? {
        let reviewID = submitted.reviewID.flatMap(UUID.init(uuidString:))
        guard reviewID != nil || submitted.ticketKey != nil else { return nil }
        let rows = try await client.query("""
            SELECT r.review_id, r.document_id, r.version, r.title,
                   r.version = (SELECT max(version) FROM docs.reviews WHERE document_id = r.document_id),
                   EXISTS (SELECT 1 FROM docs.decisions d WHERE d.review_id = r.review_id)
            FROM docs.reviews r
            WHERE r.review_id = \(reviewID) OR (\(reviewID)::uuid IS NULL AND r.ticket_key = \(submitted.ticketKey))
            ORDER BY r.version DESC LIMIT 1
            """, logger: logger)
        for try await (id, document, version, title, latest, decided) in rows.decode((UUID, UUID, Int, String, Bool, Bool).self) {
            return Review(reviewID: id, documentID: document, version: version, title: title, isLatest: latest, decided: decided)
        }
        return nil
    }

    private func record(
        _ decision: ReviewDecision, _ submitted: ReviewDecisionSubmitted, _ review: Review, eventID: String,
        on connection: PostgresConnection
    ) async throws {
        try await connection.query("""
            INSERT INTO docs.decisions (review_id, decision, comment, reviewer, event_id)
            VALUES (\(review.reviewID), \(decision.rawValue), \(submitted.comment), \(submitted.reviewer), \(eventID))
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// Writes the approved version to the page store: the document keeps its slug across versions; a new
    /// document whose title's slug is taken gets its id's first characters appended.
    private func publish(_ review: Review, eventID: String, on connection: PostgresConnection) async throws -> (slug: String, url: String) {
        let base = slug(review.title)
        let rows = try await connection.query("""
            INSERT INTO docs.pages (slug, document_id, title, markdown, version)
            SELECT CASE WHEN EXISTS (SELECT 1 FROM docs.pages WHERE slug = \(base) AND document_id <> \(review.documentID))
                        THEN \(base + "-" + String(review.documentID.uuidString.lowercased().prefix(8))) ELSE \(base) END,
                   \(review.documentID), \(review.title), v.markdown, v.version
            FROM docs.document_versions v WHERE v.document_id = \(review.documentID) AND v.version = \(review.version)
            ON CONFLICT (document_id) DO UPDATE
                SET title = EXCLUDED.title, markdown = EXCLUDED.markdown, version = EXCLUDED.version, updated_at = now()
            RETURNING slug
            """, logger: logger)
        var pageSlug: String?
        for try await value in rows.decode(String.self) { pageSlug = value }
        guard let pageSlug else { throw PageNotWritten(documentID: review.documentID, version: review.version) }
        let url = "\(publicURL)/pages/\(pageSlug)"
        try await connection.query("""
            INSERT INTO docs.publications (document_id, version, page_id, page_url, event_id)
            VALUES (\(review.documentID), \(review.version), \(pageSlug), \(url), \(eventID))
            ON CONFLICT (event_id) DO NOTHING
            """, logger: logger)
        return (pageSlug, url)
    }

    struct PageNotWritten: Error, CodedError, CustomStringConvertible {
        let documentID: UUID
        let version: Int
        var code: String { "version_missing" }
        var description: String { "document \(documentID) has no version \(version) to publish" }
    }
}
