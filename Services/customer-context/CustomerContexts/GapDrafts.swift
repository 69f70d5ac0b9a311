import Foundation
import KinexusBus
import KinexusEvents
import KinexusPostgres
import Logging
import PostgresNIO
import SupportQueries
import SupportRules

/// A knowledge gap's article, from the request to the published page: a draft starts when the gap grows
/// enough (`KINEXUS_KB_GAP_MIN_TICKETS` from two customers) or an agent asks, and the gap follows its article
/// through review — in review once written, open again when rejected, closed once published.
struct GapDrafts: Sendable {
    let client: PostgresClient
    let records: SupportRecords
    let minimumTickets: Int
    let metrics: GapMetrics
    let logger: Logger

    /// The tickets a request carries, the answered first, then the newest; each cut to what keeps the event
    /// within its 256 KB however its text is written (at most 20 × 9 KB).
    static let ticketsPerRequest = 20

    enum Trigger: Sendable, Equatable {
        /// The ticket whose placement may have grown the gap enough.
        case ticket(String)
        /// An agent's request, by its event.
        case agent(name: String, eventID: String)

        var key: String {
            switch self {
            case .ticket(let id): "ticket:\(id)"
            case .agent(_, let eventID): "request:\(eventID)"
            }
        }

        var requestedBy: String {
            switch self {
            case .ticket: "threshold"
            case .agent(let name, _): name
            }
        }
    }

    /// Starts the gap's next draft when `trigger` may, and publishes its request; the same trigger again
    /// (a redelivery) publishes the same request under the same id while the draft has not been written.
    func start(_ gap: UUID, by trigger: Trigger, context: EventContext) async throws {
        guard let draft = try await claimDraft(gap, by: trigger) else {
            if case .agent(let name, _) = trigger {
                logger.notice("no draft started: the gap is unknown, or its article is drafting, in review or published",
                              metadata: ["gap": "\(gap)", "requested_by": "\(name)"])
            }
            return
        }
        guard let found = try await records.gap(gap, ticketLimit: Self.ticketsPerRequest) else { return }
        let tickets: [KnowledgeArticleRequested.Ticket] = found.tickets.map { ticket in
            let answer: String? = ticket.answer.map { EncodedLength.cut($0, within: 6_000, what: "answer") }
            return .init(ticketID: ticket.ticketID, subject: EncodedLength.cut(ticket.subject, within: 1_000, what: "subject"),
                         description: EncodedLength.cut(ticket.description, within: 2_000, what: "description"),
                         customerTier: ticket.tier, answer: answer)
        }
        let question = found.summary.question.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let request = KnowledgeArticleRequested(gapID: gap.uuidString.lowercased(), draft: draft, question: question,
                                                tickets: tickets, requestedBy: trigger.requestedBy)
        try await context.publish(request, source: .support, id: EventID.derived(from: "knowledge-article/\(gap)/\(draft)"))
        logger.info("knowledge article requested", metadata: [
            "gap": "\(gap)", "draft": "\(draft)", "tickets": "\(request.tickets.count)", "requested_by": "\(request.requestedBy)",
        ])
    }

    /// The draft's number when this trigger starts (or started) it; nil when the gap is not to be drafted now.
    private func claimDraft(_ gap: UUID, by trigger: Trigger) async throws -> Int? {
        try await client.transaction(logger: logger) { connection in
            var found: (status: String, drafts: Int, trigger: String?, reopenedAt: Date?)?
            for try await row in try await connection.tracedQuery("""
                SELECT status, drafts, draft_trigger, reopened_at FROM support.knowledge_gaps WHERE gap_id = \(gap) FOR UPDATE
                """, logger: logger).decode((String, Int, String?, Date?).self) {
                found = row
            }
            guard let found else { return nil }
            if found.trigger == trigger.key { return found.status == "drafting" ? found.drafts : nil }
            guard KnowledgeGapRules.isDraftable(status: found.status) else { return nil }
            if case .ticket = trigger {
                var (tickets, customers) = (0, 0)
                for try await row in try await connection.tracedQuery("""
                    SELECT count(*)::int, count(DISTINCT t.customer_external_id)::int
                    FROM support.gap_tickets g JOIN support.tickets t USING (ticket_id)
                    WHERE g.gap_id = \(gap) AND g.placed_at >= coalesce(\(found.reopenedAt), '-infinity'::timestamptz)
                    """, logger: logger).decode((Int, Int).self) {
                    (tickets, customers) = row
                }
                guard KnowledgeGapRules.hasGrownEnough(tickets: tickets, customers: customers, minimumTickets: minimumTickets)
                else { return nil }
            }
            try await connection.tracedQuery("""
                UPDATE support.knowledge_gaps SET status = 'drafting', drafts = drafts + 1, draft_trigger = \(trigger.key)
                WHERE gap_id = \(gap)
                """, logger: logger)
            return found.drafts + 1
        }
    }

    /// The article's version was written: the gap is in review, and knows its document.
    func written(_ generated: DocumentGenerated) async throws {
        guard generated.origin == KnowledgeArticleRequested.documentOrigin, let gapKey = generated.ticketKey,
              let gap = UUID(uuidString: gapKey), let document = UUID(uuidString: generated.documentID) else { return }
        try await client.tracedQuery("""
            UPDATE support.knowledge_gaps SET status = 'in_review', document_id = \(document)
            WHERE gap_id = \(gap) AND status IN ('drafting', 'in_review')
            """, logger: logger)
        logger.info("knowledge article in review", metadata: ["gap": "\(gap)", "document_id": "\(document)"])
    }

    /// The reviewer rejected the article: the gap is open again, for a new draft.
    func rejected(_ rejected: DocumentRejected) async throws {
        guard let document = UUID(uuidString: rejected.documentID) else { return }
        try await client.tracedQuery("""
            UPDATE support.knowledge_gaps SET status = 'open' WHERE document_id = \(document) AND status = 'in_review'
            """, logger: logger)
    }

    /// The article was published (and kb-sync indexes it from the same event): the gap closes.
    func published(_ published: DocumentationPublished) async throws {
        guard let document = UUID(uuidString: published.documentID) else { return }
        let rows = try await client.tracedQuery("""
            UPDATE support.knowledge_gaps SET status = 'closed', page_url = \(published.pageURL), published_at = now()
            WHERE document_id = \(document) AND status <> 'closed'
            RETURNING gap_id, ticket_count, extract(epoch FROM now() - detected_at)::float8
            """, logger: logger)
        for try await (gap, tickets, seconds) in rows.decode((UUID, Int, Double).self) {
            metrics.published(tickets: tickets, after: .seconds(seconds.isFinite ? max(seconds, 0) : 0))
            logger.info("knowledge gap closed by its published article", metadata: [
                "gap": "\(gap)", "page_url": "\(published.pageURL)", "tickets": "\(tickets)",
            ])
        }
    }
}
