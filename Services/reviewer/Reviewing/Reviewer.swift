import Atlassian
import DocumentQueries
import DocumentReview
import Foundation
import KinexusBus
import KinexusEvents
import KinexusPostgres
import KinexusRedis
import Logging
import OutboundHTTP
import PostgresNIO

/// DocumentGenerated → the previous and the new version compared → a review with its diff page, and a
/// Jira review ticket when Jira is configured → ReviewRequested.
public struct Reviewer: Sendable {
    static let ticketLabels = ["documentation-review", "auto-generated", "kinexus-ai"]

    let client: PostgresClient
    let links: DiffLink
    let jira: JiraClient?
    let documents: DocumentQueries
    let logger: Logger

    init(client: PostgresClient, links: DiffLink, jira: JiraClient?, logger: Logger) {
        self.client = client
        documents = DocumentQueries(client: client, logger: logger)
        self.links = links
        self.jira = jira
        self.logger = logger
    }

    /// The reviewer as its `main` runs it: diff links signed with the secret every replica shares (made once
    /// in Redis unless `KINEXUS_LINK_SECRET` is set), and a Jira review ticket when Jira is configured.
    public static func composed(postgres: PostgresClient, redis: RedisClient, environment: [String: String], logger: Logger) throws
        -> Reviewer
    {
        let links = DiffLink(environment: environment) { try await SharedSecret.read(DiffLink.sharedSecretKey, redis: redis) }
        let jira = try AtlassianSettings(environment: environment).jira.map {
            JiraClient(settings: $0, http: RetryingHTTPClient(service: "Jira", logger: logger))
        }
        return Reviewer(client: postgres, links: links, jira: jira, logger: logger)
    }

    public static func migrations() throws -> [Migration] {
        try Migration.loadBundled(Bundle.module.url(forResource: "Migrations", withExtension: nil), owner: "reviewer")
    }

    public func subscriptions() throws -> [Subscription] {
        [try Subscription(DocumentGenerated.self, from: [.orchestrator]) { generated, context in
            try await review(generated, context: context)
        }]
    }

    struct VersionMissing: Error, CodedError, CustomStringConvertible {
        let documentID: String
        let version: Int
        var code: String { "version_missing" }
        var isPermanent: Bool { true }
        var description: String { "document \(documentID) has no version \(version)" }
    }

    func review(_ generated: DocumentGenerated, context: EventContext) async throws {
        let missing = VersionMissing(documentID: generated.documentID, version: generated.version)
        guard let documentID = UUID(uuidString: generated.documentID) else { throw missing }
        guard let new = try await documents.markdown(of: documentID, version: generated.version) else { throw missing }
        let predecessor = try await documents.predecessor(of: documentID, version: generated.version)
        let baseline: DiffPage.Baseline = switch predecessor {
        case .version(let version, _): .version(version)
        case .publishedPage: .publishedPage
        case .nothing: .nothing
        }
        let diff = LineDiff(from: predecessor.markdown, to: new)
        let page = DiffPage.html(title: generated.title, from: baseline, toVersion: generated.version,
                                 diff: diff, images: ImageChanges(from: predecessor.markdown, to: new))
        let chain = context.chain
        let rows = try await client.tracedQuery("""
            WITH inserted AS (
                INSERT INTO docs.reviews (document_id, version, title, ticket_key, summary, diff_html, event_id,
                                          correlation_id, traceparent, tracestate)
                VALUES (\(documentID), \(generated.version), \(generated.title), \(generated.ticketKey), \(diff.summary),
                        \(page), \(context.eventID), \(chain.correlationID), \(chain.traceparent), \(chain.tracestate))
                ON CONFLICT DO NOTHING
                RETURNING review_id, review_ticket_key)
            SELECT review_id, review_ticket_key FROM inserted
            UNION ALL
            SELECT review_id, review_ticket_key FROM docs.reviews WHERE document_id = \(documentID) AND version = \(generated.version)
            LIMIT 1
            """, logger: logger)
        var found: (UUID, String?)?
        for try await row in rows.decode((UUID, String?).self) { found = row }
        guard let (reviewID, existingTicket) = found else { throw missing }
        let id = reviewID.uuidString.lowercased()
        let diffURL = try await links.url(reviewID: id)
        var reviewTicket = existingTicket
        if let jira, reviewTicket == nil {
            reviewTicket = try await openTicket(jira, reviewID: reviewID, generated: generated, summary: diff.summary, diffURL: diffURL)
        }
        let requested = ReviewRequested(reviewID: id, documentID: generated.documentID, version: generated.version,
                                        ticketKey: generated.ticketKey, diffURL: diffURL, summary: diff.summary,
                                        reviewTicketKey: reviewTicket)
        try await context.publish(requested, source: .reviewer, id: EventID.derived(from: "review:" + context.eventID))
        context.logger.info("review requested", metadata: [
            "review_id": "\(id)", "summary": "\(diff.summary)", "review_ticket": "\(reviewTicket ?? "-")",
        ])
    }

    /// A Task in the configured project whose comments and transitions decide the review. The key is
    /// stored at once; a crash between creating and storing it leaves a second ticket on redelivery.
    private func openTicket(
        _ jira: JiraClient, reviewID: UUID, generated: DocumentGenerated, summary: String, diffURL: String
    ) async throws -> String {
        var paragraphs: [[ADFDocument.Inline]] = [
            [.strong("Changes: "), .text(summary)],
            [.text("Review the diff: "), .link(diffURL, url: diffURL)],
            [.text("Document ID: \(generated.documentID)")],
        ]
        if let source = generated.ticketKey { paragraphs.append([.text("Written for \(source), version \(generated.version).")]) }
        paragraphs.append([.text("Comment \"Approved\", \"Needs revision: …\" or \"Rejected: …\", or move this ticket to Done to approve.")])
        let key = try await jira.createIssue(type: "Task", summary: "Review: \(generated.title)",
                                             description: ADFDocument.document(paragraphs), labels: Self.ticketLabels)
        try await client.tracedQuery("UPDATE docs.reviews SET review_ticket_key = \(key) WHERE review_id = \(reviewID)", logger: logger)
        return key
    }
}
