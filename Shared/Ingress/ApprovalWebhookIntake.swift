import ChangeIntake
import KinexusBus
import KinexusEvents
import KinexusRedis
import Logging

/// `POST /webhooks/approval`: Jira's word on a review ticket. A new comment becomes a decision the approver
/// reads from its text; moving the ticket to a done status is an approval. Signed and de-duplicated like
/// `/webhooks/jira`; the approver ignores tickets that are not review tickets and comments Kinexus wrote.
struct ApprovalWebhookIntake: Sendable {
    let configuration: IngressConfiguration
    let gate: WebhookGate
    let publisher: EventPublisher
    let logger: Logger

    init(configuration: IngressConfiguration, gate: WebhookGate, publisher: EventPublisher, logger: Logger) {
        self.configuration = configuration
        self.gate = gate
        self.publisher = publisher
        self.logger = logger
    }

    /// `headers` are looked up by lower-cased name.
    func receive(body: [UInt8], headers: [String: String]) async throws -> WebhookAnswer {
        if let refusal = try await gate.refusal(body: body, headers: headers) { return refusal }
        let delivery = gate.delivery(headers)
        let webhook: JiraWebhook
        do {
            webhook = try WebhookBody.read(body, as: JiraWebhook.init)
        } catch {
            return error.answer
        }
        let submitted: ReviewDecisionSubmitted
        let reason: String
        if webhook.event == "comment_created", let comment = webhook.comment {
            submitted = ReviewDecisionSubmitted(reviewID: nil, ticketKey: webhook.issueKey, decision: nil,
                                                comment: comment.body, reviewer: comment.author)
            reason = "a comment on \(webhook.issueKey)"
        } else if webhook.event == "jira:issue_updated", let done = webhook.statusChange?.to,
                  configuration.filter.triggerStatuses.contains(done) {
            submitted = ReviewDecisionSubmitted(reviewID: nil, ticketKey: webhook.issueKey, decision: "approved",
                                                comment: "", reviewer: webhook.actor ?? "")
            reason = "\(webhook.issueKey) moved to \(done)"
        } else {
            try await gate.remember(headers)
            return .decision(accepted: false, reason: "\(webhook.event) without a comment or a move to a done status decides nothing",
                             changeID: nil)
        }
        let id = EventID.derived(from: "approval:" + (delivery ?? "\(webhook.issueKey):\(webhook.timestamp.timeIntervalSince1970)"))
        let correlationID = EventID.random()
        try await publisher.publish(submitted, source: .approval, id: id, correlationID: correlationID)
        logger.info("review decision submitted from Jira", metadata: [
            "event_id": "\(id)", "correlation_id": "\(correlationID)", "ticket_key": "\(webhook.issueKey)", "reason": "\(reason)",
        ])
        try await gate.remember(headers)
        return .published(reason: reason, eventID: id)
    }
}
