import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON
import KnowledgeQueries
import Logging
import SupportQueries
import SupportRules

/// customer-context's handlers: a received ticket is stored, enriched with its customer's context and
/// knowledge-base suggestions (for every ticket, known customer or not), placed in a knowledge gap when the
/// knowledge base does not answer it, and announced; feedback becomes an interaction whose sentiment comes
/// from the rating, and a ticket whose every suggestion was rated unhelpful a knowledge gap's too; a gap's
/// article follows its request, review and publication.
public struct TicketEnricher: Sendable {
    let contexts: CustomerContexts
    let records: SupportRecords
    let store: SupportStore
    let interactions: InteractionLog
    let retriever: KnowledgeRetriever
    let gaps: GapLedger
    let drafts: GapDrafts
    let minimumRelevance: Double
    /// Below it, a ticket's best knowledge hit does not answer it.
    let gapScore: Double
    let logger: Logger

    public func subscriptions() throws -> [Subscription] {
        [
            try Subscription(TicketReceived.self, from: [.support]) { ticket, context in try await enrich(ticket, context: context) },
            try Subscription(TicketFeedbackSubmitted.self, from: [.support]) { feedback, context in
                try await record(feedback, context: context)
            },
            try Subscription(TicketResolved.self, from: [.support]) { resolved, context in try await record(resolved, context: context) },
            try Subscription(KnowledgeGapDraftRequested.self, from: [.support]) { requested, context in
                try await draft(requested, context: context)
            },
            try Subscription(DocumentGenerated.self, from: [.orchestrator]) { generated, _ in try await drafts.written(generated) },
            try Subscription(DocumentRejected.self, from: [.approval]) { rejected, _ in try await drafts.rejected(rejected) },
            try Subscription(DocumentationPublished.self, from: [.approval]) { published, _ in try await drafts.published(published) },
        ]
    }

    struct InvalidTicket: CodedError, CustomStringConvertible {
        let problem: String
        var code: String { "invalid_ticket" }
        var isPermanent: Bool { true }
        var description: String { problem }
    }

    func enrich(_ received: TicketReceived, context: EventContext) async throws {
        let started = ContinuousClock.now
        // The event carries the ticket as the API accepted it; one published by hand is checked the same way.
        let ticket: TicketSubmission
        switch TicketSubmission.parse(try JSONValue(encoding: received), now: Date(), newID: { received.ticketID }) {
        case .failure(let invalid): throw InvalidTicket(problem: invalid.description)
        case .success(let parsed): ticket = parsed
        }
        if try await store.recordTicket(ticket) {
            // One more open ticket: every replica's cached context of this customer is stale.
            try await contexts.invalidate(ticket.customerExternalID)
        } else if let stored = try await records.response(ticketID: ticket.ticketID) {
            let response = try TicketResponse.decoder.decode(TicketResponse.self, from: Data(stored.utf8))
            try await announce(response, customer: ticket.customerExternalID, context: context)
            return
        }
        let question = ticket.subject + "\n" + ticket.description
        async let retrieval = retriever.retrieve(question, count: 3, minimumRelevance: minimumRelevance)
        let customer = try await contexts.context(for: ticket.customerExternalID)
        let found = try await retrieval
        // Placed before the response is stored: a redelivery finds no response and places it again, once.
        if KnowledgeGapRules.isUnanswered(bestRelevance: found.bestRelevance, gapScore: gapScore) {
            try await place(ticket.ticketID, question: question, embedding: found.embedding, reason: .lowRelevance,
                            bestRelevance: found.bestRelevance ?? 0, seenAt: ticket.createdAt, context: context)
        }
        let response = TicketResponse(
            ticketID: ticket.ticketID, status: "processed", customerContext: customer, kbSuggestions: found.hits,
            processingTimeMs: Int((ContinuousClock.now - started).milliseconds),
            correlationID: context.correlationID)
        try await store.storeResponse(ticketID: ticket.ticketID, response: String(decoding: try Self.encoder.encode(response), as: UTF8.self),
                                      processingTime: response.processingTimeMs)
        try await announce(response, customer: ticket.customerExternalID, context: context)
    }

    private func announce(_ response: TicketResponse, customer: String, context: EventContext) async throws {
        try await context.publish(
            TicketContextReady(ticketID: response.ticketID, customerExternalID: customer,
                               churnRisk: response.customerContext?.churnRisk.rawValue, suggestionCount: response.kbSuggestions.count,
                               processingTimeMs: response.processingTimeMs),
            source: .support, id: EventID.derived(from: "ticket-context-ready/\(response.ticketID)"))
    }

    func record(_ feedback: TicketFeedbackSubmitted, context: EventContext) async throws {
        guard let customer = try await records.customer(ofTicket: feedback.ticketID) else {
            throw InvalidTicket(problem: "feedback on ticket \(feedback.ticketID), which was never received")
        }
        // Keyed by the event, at the event's time: a redelivery writes the same interaction again.
        let interaction = Interaction(
            id: context.eventID, at: context.eventTime, sentiment: Sentiment.of(rating: feedback.rating), kind: "feedback",
            summary: feedback.comment ?? "rated \(feedback.rating) of 5")
        try await interactions.add(interaction, for: customer)
        try await contexts.invalidate(customer)
        _ = try await store.recordFeedback((feedback.ticketID, feedback.rating, feedback.helpful, feedback.comment, feedback.suggestionSource),
                                           eventID: context.eventID)
        // Asked again on a redelivery: a placement is kept once.
        guard !feedback.helpful, let ticket = try await records.ticket(feedback.ticketID), let response = ticket.response,
              KnowledgeGapRules.everySuggestionRatedUnhelpful(suggested: response.kbSuggestions.map(\.source),
                                                              ratings: try await records.ratings(ofTicket: feedback.ticketID))
        else { return }
        let question = ticket.summary.subject + "\n" + ticket.description
        try await place(feedback.ticketID, question: question, embedding: try await retriever.embedding(of: question),
                        reason: .ratedUnhelpful, bestRelevance: response.kbSuggestions.compactMap(\.relevance).max() ?? 0,
                        seenAt: ticket.summary.receivedAt, context: context)
    }

    private func place(_ ticketID: String, question: String, embedding: [Float], reason: GapReason, bestRelevance: Double,
                       seenAt: Date, context: EventContext) async throws {
        let placement = try await gaps.place(.init(ticketID: ticketID, question: question, embedding: embedding, reason: reason,
                                                   bestRelevance: bestRelevance, seenAt: seenAt))
        logger.info("ticket placed in a knowledge gap", metadata: [
            "ticket": "\(ticketID)", "gap": "\(placement.gap)", "placement": "\(placement)", "reason": "\(reason.rawValue)",
        ])
        // A gap just opened holds one ticket: too few to draft.
        if case .opened = placement { return }
        try await drafts.start(placement.gap, by: .ticket(ticketID), context: context)
    }

    func draft(_ requested: KnowledgeGapDraftRequested, context: EventContext) async throws {
        guard let gap = UUID(uuidString: requested.gapID) else {
            throw InvalidTicket(problem: "a draft asked for gap '\(requested.gapID)', which is not a gap id")
        }
        try await drafts.start(gap, by: .agent(name: requested.requestedBy, eventID: context.eventID), context: context)
    }

    /// The answer an agent gave, kept with the ticket as of the event's time.
    func record(_ resolved: TicketResolved, context: EventContext) async throws {
        guard try await store.resolve(resolved.ticketID, answer: resolved.answer, by: resolved.resolvedBy, at: context.eventTime) else {
            throw InvalidTicket(problem: "a resolution of ticket \(resolved.ticketID), which was never received")
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

}
