import ChangeIntake
import KinexusBus
import KinexusEvents
import Logging

/// `POST /webhooks/approval`: Jira's word on a review ticket. A new comment becomes a decision the approver
/// reads from its text; moving the ticket to a done status is an approval. Signed and de-duplicated like
/// `/webhooks/jira`; the approver ignores tickets that are not review tickets and comments Kinexus wrote.
extension JiraWebhookIntake {
    /// `headers` are looked up by lower-cased name.
    func receiveDecision(body: [UInt8], headers: [String: String]) async throws -> WebhookAnswer {
        let webhook: JiraWebhook, delivery: String?
        switch admit(body: body, headers: headers) {
        case .answered(let answer): return answer
        case .admitted(let admitted, let id): (webhook, delivery) = (admitted, id)
        }
        let submitted: ReviewDecisionSubmitted
        let reason: String
        if webhook.event == "comment_created", let comment = webhook.comment {
            // Texts too long for one event are cut, with a note saying so.
            submitted = ReviewDecisionSubmitted(reviewID: nil, ticketKey: EncodedLength.cut(webhook.issueKey, within: 512, what: "key"),
                                                decision: nil, comment: EncodedLength.cut(comment.body, within: 64 * 1024, what: "comment"),
                                                reviewer: EncodedLength.cut(comment.author, within: 512, what: "author"))
            reason = "a comment on \(webhook.issueKey)"
        } else if webhook.event == "jira:issue_updated", let done = webhook.statusChange?.to,
                  configuration.filter.triggerStatuses.contains(done) {
            submitted = ReviewDecisionSubmitted(reviewID: nil, ticketKey: EncodedLength.cut(webhook.issueKey, within: 512, what: "key"),
                                                decision: "approved", comment: "",
                                                reviewer: EncodedLength.cut(webhook.actor ?? "", within: 512, what: "author"))
            reason = "\(webhook.issueKey) moved to \(done)"
        } else {
            let reason = "\(webhook.event) without a comment or a move to a done status decides nothing"
            return try await gate.answer(.decision(accepted: false, reason: reason, changeID: nil), headers: headers)
        }
        let id = EventID.derived(from: "approval:" + (delivery ?? "\(webhook.issueKey):\(webhook.timestamp.timeIntervalSince1970)"))
        let correlationID = EventID.random()
        guard try await gate.publishOnce(submitted, source: .approval, id: id, correlationID: correlationID, headers: headers,
                                         publisher: publisher) else {
            return .repeated(delivery)
        }
        logger.info("review decision submitted from Jira", metadata: [
            "event_id": "\(id)", "correlation_id": "\(correlationID)", "ticket_key": "\(webhook.issueKey)", "reason": "\(reason)",
        ])
        return .published(reason: reason, eventID: id)
    }
}
