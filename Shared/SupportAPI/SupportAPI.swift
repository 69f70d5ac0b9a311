import CustomerContexts
import Foundation
import HTTPTypes
import Hummingbird
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusServiceKit
import Logging
import SupportRules

/// Support through the ingress: `POST /tickets` (TicketReceived; with `Prefer: wait=N` the full response
/// once customer-context has built it), `GET /tickets/{id}`, `GET /customers/{external_id}/context`,
/// `GET /tickets/{id}/context` and `POST /tickets/{id}/feedback` (TicketFeedbackSubmitted).
public struct SupportAPI: Sendable {
    let store: SupportStore
    let contexts: CustomerContexts
    let publisher: EventPublisher
    let apiToken: String?
    let longestWait: Duration
    let logger: Logger

    public init(store: SupportStore, contexts: CustomerContexts, publisher: EventPublisher, apiToken: String?,
                longestWait: Duration, logger: Logger) {
        self.store = store
        self.contexts = contexts
        self.publisher = publisher
        self.apiToken = apiToken
        self.longestWait = longestWait
        self.logger = logger
    }

    public func add(to router: Router<BasicRequestContext>) {
        let api = router.group().add(middleware: APITokenAuthentication(apiToken: apiToken))
        api.post("/tickets") { request, _ in try await receive(request) }
        api.get("/tickets/:id") { _, context in try await ticket(context.parameters.get("id") ?? "") }
        api.get("/tickets/:id/context") { _, context in try await ticketContext(context.parameters.get("id") ?? "") }
        api.post("/tickets/:id/feedback") { request, context in try await feedback(request, ticketID: context.parameters.get("id") ?? "") }
        api.get("/customers/:id/context") { _, context in try await customerContext(context.parameters.get("id") ?? "") }
    }

    struct Received: Encodable {
        let ticketID: String
        let status = "received"
        let correlationID: String

        enum CodingKeys: String, CodingKey { case ticketID = "ticket_id", status, correlationID = "correlation_id" }
    }

    func receive(_ request: Request) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 256 * 1024)
        let body: JSONValue
        do {
            body = try JSONValue(parsing: bytes.readableBytesView)
        } catch {
            return jsonResponse(.badRequest, ErrorBody(error: "invalid body: not JSON", code: "invalid_body"))
        }
        if let path = body.pathOfNUL { throw APIError.nulCharacter(in: path) }
        let ticket: TicketSubmission
        switch TicketSubmission.parse(body, now: Date(), newID: { UUID().uuidString.lowercased() }) {
        case .failure(let invalid): return jsonResponse(.badRequest, ErrorBody(error: invalid.description, code: "invalid_field"))
        case .success(let parsed): ticket = parsed
        }
        let correlationID = UUID().uuidString.lowercased()
        // A client that retries a ticket id publishes the same event id: customer-context handles it once.
        try await publisher.publish(ticket.received, source: .support, id: EventID.derived(from: "ticket-received/\(ticket.ticketID)"),
                                    correlationID: correlationID)
        if let wait = PreferWait.duration(request.headers, longest: longestWait),
           let response = try await PreferWait.poll(for: wait, { try await store.response(ticketID: ticket.ticketID) }) {
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: response)))
        }
        return jsonResponse(.accepted, Received(ticketID: ticket.ticketID, correlationID: correlationID))
    }

    func ticket(_ id: String) async throws -> Response {
        if let response = try await store.response(ticketID: id) {
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: response)))
        }
        guard try await store.customer(ofTicket: id) != nil else { return notFound("ticket", id) }
        return jsonResponse(.ok, ["ticket_id": id, "status": "received"])
    }

    func customerContext(_ externalID: String) async throws -> Response {
        guard let context = try await contexts.context(for: externalID) else { return notFound("customer", externalID) }
        return jsonResponse(.ok, context)
    }

    /// The context of the ticket's customer (the original looked the ticket id up as a customer id).
    func ticketContext(_ ticketID: String) async throws -> Response {
        guard let customer = try await store.customer(ofTicket: ticketID) else { return notFound("ticket", ticketID) }
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

    func feedback(_ request: Request, ticketID: String) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 64 * 1024)
        try refuseNULCharacters(inJSON: bytes)
        let input: FeedbackInput
        do {
            input = try JSONDecoder().decode(FeedbackInput.self, from: Data(buffer: bytes))
        } catch {
            return jsonResponse(.badRequest, ErrorBody(error: "invalid body: \(describeDecodingProblem(error))", code: "invalid_body"))
        }
        guard (1...5).contains(input.rating) else {
            return jsonResponse(.badRequest, ErrorBody(error: "'rating' must be from 1 to 5", code: "invalid_field"))
        }
        guard (input.comment?.count ?? 0) <= 5000 else {
            return jsonResponse(.badRequest, ErrorBody(error: "'comment' is longer than 5000 characters", code: "invalid_field"))
        }
        guard try await store.customer(ofTicket: ticketID) != nil else { return notFound("ticket", ticketID) }
        try await publisher.publish(TicketFeedbackSubmitted(ticketID: ticketID, rating: input.rating, helpful: input.helpful,
                                                            comment: input.comment, suggestionSource: input.suggestionSource),
                                    source: .support)
        return jsonResponse(.accepted, ["ticket_id": ticketID, "status": "recorded"])
    }

    private func notFound(_ kind: String, _ id: String) -> Response {
        jsonResponse(.notFound, ErrorBody(error: "no \(kind) \(id)", code: "not_found"))
    }
}
