import DocumentReview
import Foundation
import Hummingbird
import KinexusBus
import KinexusEvents
import KinexusServiceKit
import Logging
import PostgresNIO
import ReviewQueries

/// The human side of reviews without Jira: the diff page behind its signed link, the review as JSON,
/// and `POST /reviews/{id}/decision`.
public struct ReviewAPI: Sendable {
    let postgres: PostgresClient
    let queries: ReviewQueries
    let publisher: EventPublisher
    let links: DiffLink
    let longestWait: Duration
    let logger: Logger

    public init(postgres: PostgresClient, publisher: EventPublisher, links: DiffLink, longestWait: Duration, logger: Logger) {
        self.postgres = postgres
        queries = ReviewQueries(client: postgres, logger: logger)
        self.publisher = publisher
        self.links = links
        self.longestWait = longestWait
        self.logger = logger
    }

    /// The diff page, which its signed link opens without the API token.
    public var linkRoutes: RouteCollection<KinexusRequestContext> {
        let routes = RouteCollection(context: KinexusRequestContext.self)
        routes.get("/reviews/:id/diff") { request, context in
            try await diffPage(id: context.parameters.get("id") ?? "", token: request.uri.queryParameters.get("token"))
        }
        return routes
    }

    public var routes: RouteCollection<KinexusRequestContext> {
        let routes = RouteCollection(context: KinexusRequestContext.self)
        routes.get("/reviews/:id") { _, context in
            try await review(id: context.parameters.get("id") ?? "")
        }
        routes.post("/reviews/:id/decision") { request, context in
            try await decide(request, context: context, id: context.parameters.get("id") ?? "")
        }
        routes.get("/reviews/:id/decisions/:event") { _, context in
            try await outcome(reviewID: context.parameters.get("id") ?? "", eventID: context.parameters.get("event") ?? "")
        }
        return routes
    }

    func review(id: String) async throws -> ReviewRecord {
        guard let uuid = UUID(uuidString: id), let record = try await queries.record(uuid) else { throw notFound(id) }
        return record
    }

    func diffPage(id: String, token: String?) async throws -> Response {
        switch try await links.verify(reviewID: id.lowercased(), token: token) {
        case .invalid:
            throw APIError(.forbidden, code: "bad_token", "the link's token is missing or not valid for this review")
        case .expired:
            throw APIError(.gone, code: "link_expired", "the link has expired; ask for a new review link")
        case .valid:
            break
        }
        guard let uuid = UUID(uuidString: id),
              let rows = try await postgres.queryIfTablesExist("SELECT diff_html FROM docs.reviews WHERE review_id = \(uuid)",
                                                               logger: logger)
        else { throw notFound(id) }
        for try await html in rows.decode(String.self) {
            return Response(status: .ok, headers: [
                .contentType: "text/html; charset=utf-8",
                // The page is static HTML: nothing on it may run, load or frame anything.
                .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            ], body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        throw notFound(id)
    }

    struct DecisionRequest: Decodable {
        let decision: String
        let comment: String?
        let reviewer: String
    }

    func decide(_ request: Request, context: KinexusRequestContext, id: String) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 * 1024)
        try refuseNULCharacters(inJSON: body)
        let input: DecisionRequest
        do {
            input = try JSONDecoder().decode(DecisionRequest.self, from: Data(buffer: body))
        } catch {
            throw APIError.badRequest(code: "invalid_body", "invalid body: \(describeDecodingProblem(error))")
        }
        guard !input.reviewer.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError.badRequest(code: "invalid_reviewer", "'reviewer' must name who decides")
        }
        let (record, envelope) = try await submit(input.decision, comment: input.comment ?? "", by: input.reviewer, onReview: id)
        guard let uuid = UUID(uuidString: record.reviewID) else { throw notFound(id) }
        if let wait = PreferWait.duration(request.headers, longest: longestWait),
           var outcome = try await PreferWait.poll(for: wait, { try await decided(uuid, eventID: envelope.id) }) {
            guard outcome.status == .superseded else { return try outcome.response(from: request, context: context) }
            outcome.error = "another decision on review \(record.reviewID) stands; this one changed nothing"
            outcome.code = "decision_superseded"
            return try EditedResponse(status: .conflict, response: outcome).response(from: request, context: context)
        }
        let submittedAnswer = [
            "review_id": record.reviewID, "decision": input.decision, "status": "submitted", "event_id": envelope.id,
            "outcome_url": "/reviews/\(record.reviewID)/decisions/\(envelope.id)",
        ]
        return try EditedResponse(status: .accepted, response: submittedAnswer).response(from: request, context: context)
    }

    /// Publishes a decision on a review that still stands: 404 for an unknown review, 409 for a closed one.
    public func submit(_ decision: String, comment: String, by reviewer: String, onReview id: String) async throws
        -> (ReviewRecord, EventEnvelope)
    {
        guard ["approved", "rejected", "needs_revision"].contains(decision) else {
            throw APIError.badRequest(code: "invalid_decision", "'decision' must be approved, rejected or needs_revision, not '\(decision)'")
        }
        guard let uuid = UUID(uuidString: id), let record = try await queries.record(uuid) else { throw notFound(id) }
        guard record.underReview else {
            let why = record.decision.map { "it was already \($0)" } ?? "a newer version of the document is under review"
            throw APIError(.conflict, code: "review_closed", "review \(record.reviewID) is closed: \(why)")
        }
        let submitted = ReviewDecisionSubmitted(reviewID: record.reviewID, ticketKey: record.ticketKey, decision: decision,
                                                comment: comment, reviewer: reviewer)
        guard let chain = try await queries.chain(of: uuid) else {
            return (record, try await publisher.publish(submitted, source: .console))
        }
        return (record, try await publisher.publish(submitted, source: .console, continuing: chain))
    }

    /// `GET /reviews/{id}/decisions/{event_id}`: whether the decision submitted as that event stands.
    func outcome(reviewID: String, eventID: String) async throws -> DecisionOutcome {
        guard let uuid = UUID(uuidString: reviewID), let outcome = try await outcome(uuid, eventID: eventID) else {
            throw notFound(reviewID)
        }
        return outcome
    }

    /// The outcome once the approver has handled the decision; nil while it is pending.
    private func decided(_ reviewID: UUID, eventID: String) async throws -> DecisionOutcome? {
        try await outcome(reviewID, eventID: eventID).flatMap { $0.status == .pending ? nil : $0 }
    }

    /// Nil for an unknown review.
    private func outcome(_ reviewID: UUID, eventID: String) async throws -> DecisionOutcome? {
        guard let rows = try await postgres.queryIfTablesExist("""
            SELECT r.version = (SELECT max(version) FROM docs.reviews WHERE document_id = r.document_id),
                   d.decision, d.reviewer, d.event_id, d.decided_at
            FROM docs.reviews r LEFT JOIN docs.decisions d USING (review_id) WHERE r.review_id = \(reviewID)
            """, otherwise: """
            SELECT r.version = (SELECT max(version) FROM docs.reviews WHERE document_id = r.document_id),
                   NULL::text, NULL::text, NULL::text, NULL::timestamptz
            FROM docs.reviews r WHERE r.review_id = \(reviewID)
            """, logger: logger) else { return nil }
        for try await (latest, decision, reviewer, winner, decidedAt)
            in rows.decode((Bool, String?, String?, String?, Date?).self) {
            var standing: DecisionOutcome.Standing?
            if let decision, let reviewer, let winner, let decidedAt {
                standing = .init(decision: decision, reviewer: reviewer, eventID: winner, decidedAt: decidedAt)
            }
            return DecisionOutcome(reviewID: reviewID.uuidString.lowercased(), eventID: eventID, standing: standing,
                                   reviewIsLatest: latest)
        }
        return nil
    }

    private func notFound(_ id: String) -> APIError {
        .notFound("no review \(id)")
    }
}

extension ReviewRecord: ResponseEncodable {}
