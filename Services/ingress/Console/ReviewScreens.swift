import DocumentQueries
import DocumentReview
import Foundation
import Hummingbird
import KinexusServiceKit
import MarkdownRendering
import ReviewAPI
import ReviewQueries
import SupportQueries

/// The review queue, a review's page (the proposed version as it will be published, the side-by-side diff,
/// what caused it, its history) and the reviewer's decision.
struct ReviewScreens: Sendable {
    let reviews: ReviewQueries
    let documents: DocumentQueries
    let gaps: SupportRecords
    let decisions: ReviewAPI
    let settings: ConsoleSettings
    let templates: ConsoleTemplates

    struct QueueRow {
        let url: String
        let title: String
        let ticketKey: String?
        let version: Int
        let waiting: String
        let summary: String

        init(_ review: ReviewRecord) {
            url = "/console/reviews/\(review.reviewID)"
            title = review.title
            ticketKey = review.ticketKey
            version = review.version
            waiting = waited(since: review.createdAt)
            summary = review.summary
        }
    }

    func queue(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let pagination = Pagination(request, isValidID: Pagination.uuids)
        let (open, links) = pagination.page(try await reviews.open(from: pagination.bound, limit: pagination.limit),
                                            path: "/console/reviews") { ($0.createdAt, $0.reviewID) }
        return try templates.page("reviews", ListView(chrome: Chrome(context), rows: open.map(QueueRow.init), pages: links))
    }

    struct DiffRow {
        let left: String
        let right: String
        let leftClass: String
        let rightClass: String
    }

    struct HistoryRow {
        let version: Int
        let decision: String
        let reviewer: String
        /// Nil when there is none: an empty string would still open a Mustache section.
        let comment: String?
        let decided: String
        let url: String

        init(_ decision: RecordedDecision) {
            version = decision.version
            self.decision = decision.decision.replacingOccurrences(of: "_", with: " ")
            reviewer = decision.reviewer
            comment = decision.comment.isEmpty ? nil : decision.comment
            decided = shown(decision.decidedAt)
            url = "/console/reviews/\(decision.reviewID)"
        }
    }

    struct ReviewView {
        let chrome: Chrome?
        let review: ReviewRecord
        let ticketURL: String?
        let waiting: String
        let proposedHTML: String
        let comparedWith: String
        let diff: [DiffRow]
        let history: [HistoryRow]
        let canDecide: Bool
        let decided: HistoryRow?
        let publishedURL: String?
        let revisionURL: String?
        let submitted: Bool
        let error: String?
        let comment: String
        /// Set when the document is a knowledge gap's article: the gap and the tickets behind it.
        let article: ArticleView?
    }

    struct ArticleView {
        let gapURL: String
        let question: String
        let ticketCount: Int
        let tickets: [KnowledgeGapScreens.TicketRow]
    }

    /// The gap behind a knowledge article, with the tickets its request carried.
    func article(of documentID: UUID, gapKey: String?) async throws -> ArticleView? {
        // A Jira or GitHub key is never a UUID: their reviews read nothing more.
        guard let gapID = gapKey.flatMap(UUID.init(uuidString:)),
              try await documents.documents(id: documentID).first?.origin == "knowledge_gap",
              let gap = try await gaps.gap(gapID, ticketLimit: 25) else { return nil }
        return ArticleView(gapURL: KnowledgeGapScreens.Row.path(gapID), question: KnowledgeGapScreens.Row(gap.summary).question,
                           ticketCount: gap.summary.ticketCount, tickets: gap.tickets.map(KnowledgeGapScreens.TicketRow.init))
    }

    func page(_ request: Request, context: KinexusRequestContext, error: String? = nil, comment: String = "",
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let uuid = UUID(uuidString: id), let review = try await reviews.record(uuid),
              let documentID = UUID(uuidString: review.documentID)
        else { throw ConsoleRefusal.notFound("review \(id)") }
        let proposed = try await documents.markdown(of: documentID, version: review.version) ?? ""
        let predecessor = try await documents.predecessor(of: documentID, version: review.version)
        let history = try await reviews.decisions(ofDocument: documentID)
        let aftermath = try await reviews.aftermath(of: review)
        let article = try await article(of: documentID, gapKey: review.ticketKey)
        let view = ReviewView(
            chrome: Chrome(context), review: review,
            ticketURL: article == nil ? review.ticketKey.flatMap { key in settings.jiraBrowseURL.map { $0 + key } } : nil,
            waiting: waited(since: review.createdAt), proposedHTML: MarkdownHTML.render(proposed),
            comparedWith: Self.describe(predecessor), diff: Self.rows(LineDiff(from: predecessor.markdown, to: proposed)),
            history: history.map(HistoryRow.init),
            canDecide: review.underReview && context.identity?.roles.contains(.reviewer) == true,
            decided: history.first { $0.reviewID == review.reviewID }.map(HistoryRow.init),
            publishedURL: aftermath.publication.map { publication in publication.slug.map { "/console/pages/" + pathSegment($0) } ?? publication.url },
            revisionURL: aftermath.revisionReviewID.map { "/console/reviews/\($0)" },
            submitted: request.uri.queryParameters.get("submitted") != nil, error: error, comment: comment, article: article)
        return try templates.page("review", view, status: status)
    }

    struct DecisionForm: Decodable {
        let decision: String
        let comment: String?
    }

    /// The decision, recorded with the signed-in user as its reviewer; back to the review page, which
    /// shows what follows.
    func decide(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let user = context.identity else { throw ConsoleRefusal.forbidden }
        let form = try await decodeForm(DecisionForm.self, request)
        let comment = (form.comment ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard form.decision == "approved" || !comment.isEmpty else {
            return try await page(request, context: context, error: "Say in the comment what should change, or why the page is rejected.",
                                  comment: comment, status: .badRequest)
        }
        let (review, _) = try await decisions.submit(form.decision, comment: comment, by: user.name, onReview: id)
        return .redirect(to: "/console/reviews/\(review.reviewID)?submitted=1")
    }

    static func describe(_ predecessor: Predecessor) -> String {
        switch predecessor {
        case .version(let version, _): "version \(version)"
        case .publishedPage: "the published page it updates"
        case .nothing: "nothing: a new document"
        }
    }

    static func rows(_ diff: LineDiff) -> [DiffRow] {
        diff.lines.map { line in
            switch line {
            case .same(let text): DiffRow(left: text, right: text, leftClass: "same", rightClass: "same")
            case .added(let text): DiffRow(left: "", right: text, leftClass: "empty", rightClass: "add")
            case .deleted(let text): DiffRow(left: text, right: "", leftClass: "del", rightClass: "empty")
            case .changed(let from, let to): DiffRow(left: from, right: to, leftClass: "del", rightClass: "add")
            }
        }
    }
}

/// A paginated list: the rows of this page and the links to the others.
struct ListView<Row> {
    let chrome: Chrome?
    let rows: [Row]
    let pages: PageLinks
}
