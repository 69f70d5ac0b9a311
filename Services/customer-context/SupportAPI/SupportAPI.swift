import Foundation
import HTTPTypes
import Hummingbird
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusServiceKit
import SupportQueries
import SupportRules

/// Support through the ingress: `POST /tickets` (TicketReceived; with `Prefer: wait=N` the full response
/// once customer-context has built it), `GET /tickets/{id}`, `GET /customers/{external_id}/context`,
/// `GET /tickets/{id}/context`, `POST /tickets/{id}/feedback` (TicketFeedbackSubmitted),
/// `POST /tickets/{id}/resolution` (TicketResolved), and the knowledge gaps: `GET /knowledge-gaps` (the largest
/// 100), `GET /knowledge-gaps/{id}` and `POST /knowledge-gaps/{id}/draft` (KnowledgeGapDraftRequested).
public struct SupportAPI: Sendable {
    let records: SupportRecords
    let contexts: CustomerContexts
    let publisher: EventPublisher
    let longestWait: Duration

    public init(records: SupportRecords, contexts: CustomerContexts, publisher: EventPublisher, longestWait: Duration) {
        self.records = records
        self.contexts = contexts
        self.publisher = publisher
        self.longestWait = longestWait
    }

    public var routes: RouteCollection<KinexusRequestContext> {
        let routes = RouteCollection(context: KinexusRequestContext.self)
        routes.post("/tickets") { request, context in try await receive(request, context: context) }
        routes.get("/tickets/:id") { request, context in try await ticket(context.parameters.get("id") ?? "", request, context) }
        routes.get("/tickets/:id/context") { _, context in try await ticketContext(context.parameters.get("id") ?? "") }
        routes.post("/tickets/:id/feedback") { request, context in
            try await feedback(request, ticketID: context.parameters.get("id") ?? "")
        }
        routes.post("/tickets/:id/resolution") { request, context in
            try await resolution(request, ticketID: context.parameters.get("id") ?? "")
        }
        routes.get("/customers/:id/context") { _, context in try await customerContext(context.parameters.get("id") ?? "") }
        routes.get("/knowledge-gaps") { _, _ in JSONBody(["gaps": try await records.gaps(offset: 0, limit: 100)]) }
        routes.get("/knowledge-gaps/:id") { _, context in try await gap(context.parameters.get("id") ?? "") }
        routes.post("/knowledge-gaps/:id/draft") { request, context in
            try await draft(request, gapID: context.parameters.get("id") ?? "")
        }
        return routes
    }

    struct Received: ResponseEncodable {
        let ticketID: String
        let status = "received"
        let correlationID: String

        enum CodingKeys: String, CodingKey { case ticketID = "ticket_id", status, correlationID = "correlation_id" }
    }

    func receive(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 256 * 1024)
        let body: JSONValue
        do {
            body = try JSONValue(parsing: bytes.readableBytesView)
        } catch {
            throw APIError.badRequest(code: "invalid_body", "invalid body: not JSON")
        }
        if let path = body.pathOfNUL { throw APIError.nulCharacter(in: path) }
        let ticket: TicketSubmission
        switch TicketSubmission.parse(body, now: Date(), newID: { UUID().uuidString.lowercased() }) {
        case .failure(let invalid): throw APIError.badRequest(code: "invalid_field", invalid.description)
        case .success(let parsed): ticket = parsed
        }
        let correlationID = UUID().uuidString.lowercased()
        // A client that retries a ticket id publishes the same event id: customer-context handles it once.
        try await publisher.publish(ticket.received, source: .support, id: EventID.derived(from: "ticket-received/\(ticket.ticketID)"),
                                    correlationID: correlationID)
        if let wait = PreferWait.duration(request.headers, longest: longestWait),
           let response = try await PreferWait.poll(for: wait, { try await records.response(ticketID: ticket.ticketID) }) {
            return Self.stored(response)
        }
        return try EditedResponse(status: .accepted, response: Received(ticketID: ticket.ticketID, correlationID: correlationID))
            .response(from: request, context: context)
    }

    func ticket(_ id: String, _ request: Request, _ context: KinexusRequestContext) async throws -> Response {
        if let response = try await records.response(ticketID: id) { return Self.stored(response) }
        guard try await records.customer(ofTicket: id) != nil else { throw notFound("ticket", id) }
        return try ["ticket_id": id, "status": "received"].response(from: request, context: context)
    }

    /// A ticket's response as customer-context stored it: JSON already.
    static func stored(_ response: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: response)))
    }

    func customerContext(_ externalID: String) async throws -> JSONBody<CustomerContext> {
        guard let context = try await contexts.context(for: externalID) else { throw notFound("customer", externalID) }
        return JSONBody(context)
    }

    /// The context of the ticket's customer (the original looked the ticket id up as a customer id).
    func ticketContext(_ ticketID: String) async throws -> JSONBody<CustomerContext> {
        guard let customer = try await records.customer(ofTicket: ticketID) else { throw notFound("ticket", ticketID) }
        return try await customerContext(customer)
    }

    struct FeedbackInput: Decodable {
        let rating: Int
        let helpful: Bool
        let comment: String?
        let suggestionSource: String?

        enum CodingKeys: String, CodingKey {
            case rating, helpful, comment, suggestionSource = "suggestion_source"
        }
    }

    func feedback(_ request: Request, ticketID: String) async throws -> EditedResponse<[String: String]> {
        let bytes = try await request.body.collect(upTo: 64 * 1024)
        try refuseNULCharacters(inJSON: bytes)
        let input: FeedbackInput
        do {
            input = try JSONDecoder().decode(FeedbackInput.self, from: Data(buffer: bytes))
        } catch {
            throw APIError.badRequest(code: "invalid_body", "invalid body: \(describeDecodingProblem(error))")
        }
        try await submitFeedback(TicketFeedbackSubmitted(ticketID: ticketID, rating: input.rating, helpful: input.helpful,
                                                         comment: input.comment, suggestionSource: input.suggestionSource))
        return EditedResponse(status: .accepted, response: ["ticket_id": ticketID, "status": "recorded"])
    }

    /// An agent's rating of a ticket's suggestions: 400 for a rating outside 1–5 or a comment over 5,000
    /// characters, 404 for an unknown ticket.
    public func submitFeedback(_ feedback: TicketFeedbackSubmitted) async throws {
        guard (1...5).contains(feedback.rating) else {
            throw APIError.badRequest(code: "invalid_field", "'rating' must be from 1 to 5")
        }
        guard (feedback.comment?.count ?? 0) <= 5000 else {
            throw APIError.badRequest(code: "invalid_field", "'comment' is longer than 5000 characters")
        }
        guard try await records.customer(ofTicket: feedback.ticketID) != nil else { throw notFound("ticket", feedback.ticketID) }
        try await publisher.publish(feedback, source: .support)
    }

    struct ResolutionInput: Decodable {
        let answer: String
        let resolvedBy: String?

        enum CodingKeys: String, CodingKey {
            case answer, resolvedBy = "resolved_by"
        }
    }

    func resolution(_ request: Request, ticketID: String) async throws -> EditedResponse<[String: String]> {
        let bytes = try await request.body.collect(upTo: 64 * 1024)
        try refuseNULCharacters(inJSON: bytes)
        let input: ResolutionInput
        do {
            input = try JSONDecoder().decode(ResolutionInput.self, from: Data(buffer: bytes))
        } catch {
            throw APIError.badRequest(code: "invalid_body", "invalid body: \(describeDecodingProblem(error))")
        }
        try await resolve(TicketResolved(ticketID: ticketID, answer: input.answer, resolvedBy: input.resolvedBy ?? "API"))
        return EditedResponse(status: .accepted, response: ["ticket_id": ticketID, "status": "resolved"])
    }

    /// The longest answer a resolution keeps: what a support reply holds, well within the event.
    static let longestAnswer = 20_000

    /// How an agent answered the ticket: 400 for an empty answer or one over 20,000 characters, or a name over
    /// 200; 404 for an unknown ticket. The latest resolution of a ticket stands.
    public func resolve(_ resolved: TicketResolved) async throws {
        let answer = resolved.answer.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !answer.isEmpty else { throw APIError.badRequest(code: "invalid_field", "'answer' is empty: say how the ticket was answered") }
        guard answer.count <= Self.longestAnswer else {
            throw APIError.badRequest(code: "invalid_field", "'answer' is longer than \(Self.longestAnswer) characters")
        }
        guard (1...200).contains(resolved.resolvedBy.count) else {
            throw APIError.badRequest(code: "invalid_field", "'resolved_by' must have 1 to 200 characters")
        }
        guard try await records.customer(ofTicket: resolved.ticketID) != nil else { throw notFound("ticket", resolved.ticketID) }
        try await publisher.publish(TicketResolved(ticketID: resolved.ticketID, answer: answer, resolvedBy: resolved.resolvedBy),
                                    source: .support)
    }

    func gap(_ id: String) async throws -> JSONBody<SupportRecords.Gap> {
        guard let uuid = UUID(uuidString: id), let gap = try await records.gap(uuid, ticketLimit: 100) else { throw notFound("knowledge gap", id) }
        return JSONBody(gap)
    }

    struct DraftInput: Decodable {
        let requestedBy: String?

        enum CodingKeys: String, CodingKey { case requestedBy = "requested_by" }
    }

    func draft(_ request: Request, gapID: String) async throws -> EditedResponse<[String: String]> {
        let bytes = try await request.body.collect(upTo: 64 * 1024)
        try refuseNULCharacters(inJSON: bytes)
        let input: DraftInput
        do {
            input = bytes.readableBytes == 0 ? DraftInput(requestedBy: nil) : try JSONDecoder().decode(DraftInput.self, from: Data(buffer: bytes))
        } catch {
            throw APIError.badRequest(code: "invalid_body", "invalid body: \(describeDecodingProblem(error))")
        }
        try await requestDraft(KnowledgeGapDraftRequested(gapID: gapID, requestedBy: input.requestedBy ?? "API"))
        return EditedResponse(status: .accepted, response: ["gap_id": gapID, "status": "draft_requested"])
    }

    /// An agent's request for a gap's article: 404 for an unknown gap, 409 while its article is drafting or in
    /// review, or once published (a later unanswered ticket reopens it), 400 for a name over 200 characters.
    public func requestDraft(_ requested: KnowledgeGapDraftRequested) async throws {
        guard (1...200).contains(requested.requestedBy.count) else {
            throw APIError.badRequest(code: "invalid_field", "'requested_by' must have 1 to 200 characters")
        }
        guard let id = UUID(uuidString: requested.gapID), let gap = try await records.gap(id, ticketLimit: 0) else {
            throw notFound("knowledge gap", requested.gapID)
        }
        guard gap.summary.isDraftable else {
            throw APIError(.conflict, code: "not_draftable", gap.summary.status == "closed"
                ? "the gap is closed: its article was published, and a later unanswered ticket reopens it"
                : "the gap's article is already \(gap.summary.status.replacingOccurrences(of: "_", with: " "))")
        }
        try await publisher.publish(KnowledgeGapDraftRequested(gapID: id.uuidString.lowercased(), requestedBy: requested.requestedBy),
                                    source: .support)
    }

    private func notFound(_ kind: String, _ id: String) -> APIError {
        .notFound("no \(kind) \(id)")
    }
}
