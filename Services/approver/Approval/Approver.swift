import ApprovalRules
import Atlassian
import DocumentQueries
import Foundation
import KinexusBus
import KinexusEvents
import KinexusPostgres
import KinexusSettings
import Logging
import MarkdownRendering
import OutboundHTTP
import PostgresNIO

/// ReviewDecisionSubmitted → the decision recorded once → approved: the page published (Confluence when
/// configured, the built-in page store always, as the record of what is live), the page's address commented
/// on the review ticket, DocumentationPublished; needs revision: RevisionRequested; rejected: DocumentRejected.
public struct Approver: Sendable {
    let client: PostgresClient
    /// When set, only these reviewers' decisions count.
    let approvers: Set<String>?
    /// Comments by this author are Kinexus's own (the page link it posts) and are never decisions.
    let ownAuthor: String?
    /// Where the ingress serves the page store: `<base>/pages/<slug>`.
    let publicURL: String
    let jira: JiraClient?
    let confluence: ConfluenceClient?
    let documents: DocumentQueries
    let logger: Logger

    init(
        client: PostgresClient, approvers: Set<String>?, ownAuthor: String?, publicURL: String,
        jira: JiraClient? = nil, confluence: ConfluenceClient? = nil, logger: Logger
    ) {
        self.client = client
        self.approvers = approvers
        self.ownAuthor = ownAuthor
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.jira = jira
        self.confluence = confluence
        documents = DocumentQueries(client: client, logger: logger)
        self.logger = logger
    }

    /// The approver as its `main` runs it: `KINEXUS_APPROVERS` (who may decide; anyone when unset),
    /// `KINEXUS_JIRA_ACCOUNT_ID` (Kinexus's own comments, never decisions), `KINEXUS_PUBLIC_URL`, and Jira
    /// and Confluence when configured.
    public static func composed(postgres: PostgresClient, environment: [String: String], logger: Logger) throws -> Approver {
        let settings = EnvironmentSettings(environment)
        let atlassian = try AtlassianSettings(environment: environment)
        return Approver(
            client: postgres,
            approvers: settings.optional("KINEXUS_APPROVERS").map {
                Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            },
            ownAuthor: settings.optional("KINEXUS_JIRA_ACCOUNT_ID"),
            publicURL: settings.string("KINEXUS_PUBLIC_URL", default: "http://localhost:8080"),
            jira: atlassian.jira.map { JiraClient(settings: $0, http: RetryingHTTPClient(service: "Jira", logger: logger)) },
            confluence: atlassian.confluence.map {
                ConfluenceClient(settings: $0, http: RetryingHTTPClient(service: "Confluence", logger: logger), logger: logger)
            },
            logger: logger)
    }

    public static func migrations() throws -> [Migration] {
        try Migration.loadBundled(Bundle.module.url(forResource: "Migrations", withExtension: nil), owner: "approver")
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
        let reviewTicket: String?
        let isLatest: Bool
        /// The event whose decision closed this review, if one did.
        let decidedBy: String?
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
        let eventID = context.eventID
        // A redelivery of the event that decided goes on, to finish what a crash interrupted.
        guard review.isLatest, review.decidedBy == nil || review.decidedBy == eventID else {
            // The ingress refuses these with a 409; one that arrives by Jira comment changes nothing either.
            return logger.warning("the document is no longer under review in this version; nothing changes", metadata: [
                "review_id": "\(review.reviewID)", "latest": "\(review.isLatest)", "decided": "\(review.decidedBy != nil)",
            ])
        }
        let comment = try await recordedComment(submitted, review)
        guard try await claim(review, decision, comment: comment, reviewer: submitted.reviewer, eventID: eventID) else {
            return logger.warning("another decision on this review was recorded first; nothing changes", metadata: [
                "review_id": "\(review.reviewID)",
            ])
        }
        let followUpID = EventID.derived(from: "decided:" + eventID)
        let documentID = review.documentID.uuidString.lowercased(), reviewID = review.reviewID.uuidString.lowercased()
        try await label(review, decision)
        switch decision {
        case .approved:
            let page = try await publish(review, eventID: eventID)
            try await commentPageAddress(page, review: review, eventID: eventID)
            try await context.publish(DocumentationPublished(
                documentID: documentID, version: review.version, title: review.title, pageID: page.id, pageURL: page.url),
                source: .approval, id: followUpID)
            logger.info("documentation published", metadata: ["page_url": "\(page.url)", "version": "\(review.version)"])
        case .needsRevision:
            try await context.publish(RevisionRequested(
                documentID: documentID, reviewID: reviewID, feedback: comment, reviewer: submitted.reviewer),
                source: .approval, id: followUpID)
        case .rejected:
            try await context.publish(DocumentRejected(
                documentID: documentID, reviewID: reviewID, reason: comment, reviewer: submitted.reviewer),
                source: .approval, id: followUpID)
        }
    }

    /// The comment to record: the decision's own, or for a ticket moved to Done without one, the last
    /// comment a person wrote on the review ticket.
    private func recordedComment(_ submitted: ReviewDecisionSubmitted, _ review: Review) async throws -> String {
        guard submitted.comment.isEmpty, let jira, let ticket = review.reviewTicket else { return submitted.comment }
        let comments = try await jira.comments(of: ticket)
        return comments.last { $0.authorAccountID != ownAuthor && !$0.text.isEmpty }?.text ?? ""
    }

    /// The review the decision is about, by id or by its Jira review ticket, with whether it still stands.
    private func review(for submitted: ReviewDecisionSubmitted) async throws -> Review? {
        let reviewID = submitted.reviewID.flatMap(UUID.init(uuidString:))
        guard reviewID != nil || submitted.ticketKey != nil else { return nil }
        let rows = try await client.tracedQuery("""
            SELECT r.review_id, r.document_id, r.version, r.title, r.review_ticket_key,
                   r.version = (SELECT max(version) FROM docs.reviews WHERE document_id = r.document_id),
                   (SELECT d.event_id FROM docs.decisions d WHERE d.review_id = r.review_id)
            FROM docs.reviews r
            WHERE r.review_id = \(reviewID) OR (\(reviewID)::uuid IS NULL AND r.review_ticket_key = \(submitted.ticketKey))
            """, logger: logger)
        for try await (id, document, version, title, ticket, latest, decidedBy)
            in rows.decode((UUID, UUID, Int, String, String?, Bool, String?).self) {
            return Review(reviewID: id, documentID: document, version: version, title: title, reviewTicket: ticket,
                          isLatest: latest, decidedBy: decidedBy)
        }
        return nil
    }

    /// Records the decision unless another one was recorded first, and answers whether this event's decision
    /// is the one that stands: two decisions racing on one review end with exactly one outcome. A redelivery
    /// of the deciding event finds its own decision and goes on.
    private func claim(
        _ review: Review, _ decision: ReviewDecision, comment: String, reviewer: String, eventID: String
    ) async throws -> Bool {
        let rows = try await client.tracedQuery("""
            WITH inserted AS (
                INSERT INTO docs.decisions (review_id, decision, comment, reviewer, event_id)
                VALUES (\(review.reviewID), \(decision.rawValue), \(comment), \(reviewer), \(eventID))
                ON CONFLICT DO NOTHING
                RETURNING event_id)
            SELECT event_id FROM inserted
            UNION ALL
            SELECT event_id FROM docs.decisions WHERE review_id = \(review.reviewID)
            LIMIT 1
            """, logger: logger)
        for try await winner in rows.decode(String.self) { return winner == eventID }
        return false
    }

    struct PublishedPage {
        let id: String
        let url: String
    }

    /// Confluence first when configured (a failure there is retried with the event), then the page store's
    /// copy and the publication in one transaction.
    private func publish(_ review: Review, eventID: String) async throws -> PublishedPage {
        guard let markdown = try await documents.markdown(of: review.documentID, version: review.version) else {
            throw PageNotWritten(documentID: review.documentID, version: review.version)
        }
        let external = try await confluence?.publish(title: review.title, storage: ConfluenceStorage.render(markdown))
        let slug = slug(review.title)
        let page = PublishedPage(id: external?.id ?? slug, url: external?.url ?? "\(publicURL)/pages/\(slug)")
        try await client.transaction(logger: logger) { connection in
            try await connection.tracedQuery("""
                INSERT INTO docs.pages (slug, document_id, title, markdown, version)
                VALUES (\(slug), \(review.documentID), \(review.title), \(markdown), \(review.version))
                ON CONFLICT (slug) DO UPDATE
                    SET document_id = EXCLUDED.document_id, title = EXCLUDED.title, markdown = EXCLUDED.markdown,
                        version = EXCLUDED.version, updated_at = now()
                """, logger: logger)
            try await connection.tracedQuery("""
                INSERT INTO docs.publications (document_id, version, page_id, page_url, event_id)
                VALUES (\(review.documentID), \(review.version), \(page.id), \(page.url), \(eventID))
                ON CONFLICT (event_id) DO NOTHING
                """, logger: logger)
        }
        return page
    }

    /// Tells the review ticket where the page is, once per publication.
    private func commentPageAddress(_ page: PublishedPage, review: Review, eventID: String) async throws {
        guard let jira, let ticket = review.reviewTicket else { return }
        let rows = try await client.tracedQuery(
            "SELECT ticket_commented_at IS NOT NULL FROM docs.publications WHERE event_id = \(eventID)", logger: logger)
        for try await commented in rows.decode(Bool.self) where commented { return }
        try await jira.addComment(ADFDocument.document([
            [.text("Approved and published: "), .link(review.title, url: page.url)],
        ]), to: ticket)
        try await client.tracedQuery("UPDATE docs.publications SET ticket_commented_at = now() WHERE event_id = \(eventID)", logger: logger)
    }

    /// Marks the review ticket with the outcome, so a Jira filter shows what was decided.
    private func label(_ review: Review, _ decision: ReviewDecision) async throws {
        guard let jira, let ticket = review.reviewTicket else { return }
        try await jira.addLabels(["kinexus-" + decision.rawValue.replacingOccurrences(of: "_", with: "-")], to: ticket)
    }

    struct PageNotWritten: Error, CodedError, CustomStringConvertible {
        let documentID: UUID
        let version: Int
        var code: String { "version_missing" }
        var description: String { "document \(documentID) has no version \(version) to publish" }
    }
}
