import DocumentQueries
import Foundation
import Hummingbird
import KinexusEvents
import KinexusServiceKit
import SupportAPI
import SupportQueries

/// Support → Knowledge gaps: the questions the knowledge base did not answer, largest first; a gap's page
/// with its tickets and their answers, its article's review and published page; and an agent's "Draft an
/// article". Reviewers decide on the article where they decide on any document.
struct KnowledgeGapScreens: Sendable {
    let records: SupportRecords
    let documents: DocumentQueries
    let support: SupportAPI
    let templates: ConsoleTemplates

    /// A gap's page shows this many of its tickets: the answered first, then the newest.
    static let ticketsShown = 200

    struct Row {
        let url: String
        let question: String
        let tickets: Int
        let customers: Int
        let tiers: String
        let firstSeen: String
        let lastSeen: String
        let status: String

        static func path(_ gap: UUID) -> String { "/console/knowledge-gaps/" + gap.uuidString.lowercased() }

        init(_ gap: SupportRecords.GapSummary) {
            url = Self.path(gap.gapID)
            question = gap.question.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            tickets = gap.ticketCount
            customers = gap.customers
            tiers = gap.tiers.isEmpty ? "—" : gap.tiers.joined(separator: ", ")
            firstSeen = shown(gap.firstSeen)
            lastSeen = shown(gap.lastSeen)
            status = gap.status.replacingOccurrences(of: "_", with: " ")
        }
    }

    func list(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let pagination = NumberedPagination(request)
        let (gaps, links) = pagination.page(try await records.gaps(offset: pagination.offset, limit: pagination.limit),
                                            path: "/console/knowledge-gaps")
        return try templates.page("gaps", ListView(chrome: Chrome(context), rows: gaps.map(Row.init), pages: links))
    }

    struct TicketRow {
        let url: String
        let subject: String
        let customer: String
        let tier: String
        let reason: String
        let relevance: String
        let answer: String?

        init(_ ticket: SupportRecords.GapTicket) {
            url = SupportScreens.Row.path(ticket.ticketID)
            subject = ticket.subject
            customer = ticket.customer
            tier = ticket.tier ?? "—"
            reason = ticket.reason == "rated_unhelpful" ? "rated unhelpful" : "low relevance"
            relevance = String(format: "%.2f", ticket.bestRelevance)
            answer = ticket.answer
        }
    }

    struct GapView {
        let chrome: Chrome?
        let gapID: String
        let gap: Row
        let description: String
        let tickets: [TicketRow]
        /// Said when the page shows only some of the gap's tickets.
        let shownOf: String?
        let reviewURL: String?
        let pageURL: String?
        let canDraft: Bool
        let requested: Bool
    }

    func page(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let id = context.pathParameter("id")
        guard let uuid = UUID(uuidString: id), let gap = try await records.gap(uuid, ticketLimit: Self.ticketsShown) else {
            throw ConsoleRefusal.notFound("knowledge gap \(id)")
        }
        var reviewURL: String?
        if let document = gap.summary.documentID, let review = try await documents.reviews(of: document).last {
            reviewURL = "/console/reviews/\(review.reviewID)"
        }
        let question = gap.summary.question.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        return try templates.page("gap", GapView(
            chrome: Chrome(context), gapID: uuid.uuidString.lowercased(), gap: Row(gap.summary), description: question.count > 1 ? String(question[1]) : "",
            tickets: gap.tickets.map(TicketRow.init),
            shownOf: gap.summary.ticketCount > gap.tickets.count
                ? "The \(gap.tickets.count) answered first, then the newest, of \(gap.summary.ticketCount)." : nil,
            reviewURL: reviewURL, pageURL: gap.summary.pageURL,
            canDraft: gap.summary.isDraftable && context.identity?.roles.contains(.agent) == true,
            requested: request.uri.queryParameters.get("requested") != nil))
    }

    /// "Draft an article": asked for as the signed-in agent; the gap's page follows the draft into review.
    func draft(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        guard let user = context.identity else { throw ConsoleRefusal.forbidden }
        let id = context.pathParameter("id")
        try await support.requestDraft(KnowledgeGapDraftRequested(gapID: id, requestedBy: user.name))
        return .redirect(to: "/console/knowledge-gaps/\(pathSegment(id))?requested=1")
    }
}
