import Foundation
import Hummingbird
import KinexusEvents
import KinexusServiceKit
import SupportAPI
import SupportQueries

/// Support tickets: the list with customer, priority and churn risk; a ticket's page with the customer's
/// context and the knowledge suggestions; and the agent's feedback on them.
struct SupportScreens: Sendable {
    let records: SupportRecords
    let support: SupportAPI
    let templates: ConsoleTemplates

    struct Row {
        let url: String
        let subject: String
        let customer: String
        let priority: String
        let status: String
        let churnRisk: String
        let received: String

        /// A ticket id is the client's: any text, so it is escaped into the path.
        static func path(_ ticketID: String) -> String {
            "/console/support/" + pathSegment(ticketID)
        }

        init(_ ticket: SupportRecords.TicketSummary) {
            url = Self.path(ticket.ticketID)
            subject = ticket.subject
            customer = ticket.customer
            priority = ticket.priority
            status = ticket.status
            churnRisk = ticket.churnRisk ?? "—"
            received = shown(ticket.receivedAt)
        }
    }

    func list(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let pagination = Pagination(request)
        let (tickets, links) = pagination.page(try await records.tickets(from: pagination.bound, limit: pagination.limit),
                                               path: "/console/support") { ($0.receivedAt, $0.ticketID) }
        return try templates.page("tickets", ListView(chrome: Chrome(context), rows: tickets.map(Row.init), pages: links))
    }

    struct OrderRow {
        let number: String
        let status: String
        let total: String
        let date: String
    }

    struct CustomerView {
        let name: String
        let company: String?
        let tier: String
        let lifetimeValue: String
        let highValue: Bool
        let churnRisk: String
        let sentiment: String
        let openTickets: Int
        let totalOrders: Int
        let orders: [OrderRow]

        init(_ context: CustomerContext) {
            name = context.name ?? context.externalID
            company = context.company
            tier = context.tier
            lifetimeValue = String(format: "%.2f", context.lifetimeValue)
            highValue = context.isHighValue
            churnRisk = context.churnRisk.rawValue
            sentiment = context.avgSentiment.map { String(format: "%.2f", $0) } ?? "no interactions yet"
            openTickets = context.openTickets
            totalOrders = context.totalOrders
            orders = context.recentOrders.map {
                OrderRow(number: $0.orderNumber, status: $0.status, total: String(format: "%.2f", $0.totalAmount), date: shown($0.orderDate))
            }
        }
    }

    struct TicketView {
        let chrome: Chrome?
        let id: String
        let ticket: Row
        let description: String
        let channel: String
        let processed: Bool
        let customer: CustomerView?
        let suggestions: [SuggestionRow]
        let agent: Bool
        let thanks: Bool
        let resolution: ResolutionView?
        /// The agent's resolution was just sent.
        let resolved: Bool
    }

    struct ResolutionView {
        let answer: String
        let resolvedBy: String
        let resolvedAt: String
    }

    func page(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let id = context.pathParameter("id")
        guard let ticket = try await records.ticket(id) else { throw ConsoleRefusal.notFound("ticket \(id)") }
        return try templates.page("ticket", TicketView(
            chrome: Chrome(context), id: id, ticket: Row(ticket.summary), description: ticket.description, channel: ticket.channel,
            processed: ticket.response != nil, customer: ticket.response?.customerContext.map(CustomerView.init),
            suggestions: (ticket.response?.kbSuggestions ?? []).map(SuggestionRow.init),
            agent: context.identity?.roles.contains(.agent) == true, thanks: request.uri.queryParameters.get("rated") != nil,
            resolution: ticket.resolution.map { ResolutionView(answer: $0.answer, resolvedBy: $0.resolvedBy, resolvedAt: shown($0.resolvedAt)) },
            resolved: request.uri.queryParameters.get("resolved") != nil))
    }

    struct ResolutionForm: Decodable {
        let answer: String?
    }

    /// "Resolve": the answer the agent gave the customer, recorded as theirs.
    func resolve(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        guard let user = context.identity else { throw ConsoleRefusal.forbidden }
        let id = context.pathParameter("id")
        let answer = (try await decodeForm(ResolutionForm.self, request).answer ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !answer.isEmpty else { throw ConsoleRefusal(.badRequest, "Say how the ticket was answered: the answer is required.") }
        try await support.resolve(TicketResolved(ticketID: id, answer: answer, resolvedBy: user.name))
        return .redirect(to: Row.path(id) + "?resolved=1")
    }

    struct FeedbackForm: Decodable {
        let rating: String
        let helpful: String?
        let comment: String?
        let suggestionSource: String?

        enum CodingKeys: String, CodingKey { case rating, helpful, comment, suggestionSource = "suggestion_source" }
    }

    func feedback(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let id = context.pathParameter("id")
        let form = try await decodeForm(FeedbackForm.self, request)
        guard let rating = Int(form.rating) else { throw ConsoleRefusal(.badRequest, "Rate the suggestions from 1 to 5.") }
        let comment = form.comment.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        try await support.submitFeedback(TicketFeedbackSubmitted(
            ticketID: id, rating: rating, helpful: form.helpful == "yes", comment: comment,
            suggestionSource: form.suggestionSource.flatMap { $0.isEmpty ? nil : $0 }))
        return .redirect(to: Row.path(id) + "?rated=1")
    }
}
