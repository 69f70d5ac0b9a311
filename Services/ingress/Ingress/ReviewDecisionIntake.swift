import Atlassian
import ChangeIntake
import KinexusBus
import KinexusEvents
import KinexusServiceKit
import Logging

/// `POST /webhooks/approval`: Jira's word on a review ticket. A new comment becomes a decision the approver
/// reads from its text; moving the ticket to a done status is an approval. Signed and de-duplicated like
/// `/webhooks/jira`; the approver ignores tickets that are not review tickets and comments Kinexus wrote.
/// Jira Server and Data Center send a comment without its issue: the issue is asked of Jira, when configured.
extension JiraWebhookIntake {
    /// `headers` are looked up by lower-cased name.
    func receiveDecision(body: [UInt8], headers: [String: String]) async throws -> WebhookAnswer {
        switch try admit(body: body, headers: headers) {
        case (.commentWithoutIssue(let webhook), let delivery):
            guard webhook.event == "comment_created" else { return try await decidesNothing(webhook.event, headers) }
            guard let jira else {
                return try await gate.answer(.decision(
                    accepted: false, reason: "the comment names no issue and Jira is not configured (KINEXUS_JIRA_*) to look it up",
                    changeID: nil), headers: headers)
            }
            guard let key = try await jira.issueKey(of: webhook) else {
                return try await gate.answer(.decision(
                    accepted: false, reason: "Jira knows no issue for the comment at \(webhook.address.prefix(300))", changeID: nil),
                    headers: headers)
            }
            return try await submit(commentOn: key, webhook.comment, delivery: delivery ?? "\(key):comment:\(webhook.commentID)",
                                    headers: headers)
        case (.issue(let webhook), let delivery):
            let fallbackDelivery = "\(webhook.issueKey):\(webhook.timestamp.timeIntervalSince1970)"
            if webhook.event == "comment_created", let comment = webhook.comment {
                return try await submit(commentOn: webhook.issueKey, comment, delivery: delivery ?? fallbackDelivery, headers: headers)
            }
            guard webhook.event == "jira:issue_updated", let done = webhook.statusChange?.to,
                  configuration.filter.triggerStatuses.contains(done)
            else { return try await decidesNothing(webhook.event, headers) }
            let submitted = ReviewDecisionSubmitted(reviewID: nil, ticketKey: Self.bounded(webhook.issueKey), decision: "approved",
                                                    comment: "", reviewer: Self.bounded(webhook.actor ?? ""))
            return try await submit(submitted, reason: "\(webhook.issueKey) moved to \(done)", delivery: delivery ?? fallbackDelivery,
                                    headers: headers)
        }
    }

    private func decidesNothing(_ event: String, _ headers: [String: String]) async throws -> WebhookAnswer {
        let reason = "\(event) without a comment or a move to a done status decides nothing"
        return try await gate.answer(.decision(accepted: false, reason: reason, changeID: nil), headers: headers)
    }

    private func submit(commentOn key: String, _ comment: JiraWebhook.Comment, delivery: String, headers: [String: String])
        async throws -> WebhookAnswer
    {
        // A comment too long for one event is cut, with a note saying so.
        let submitted = ReviewDecisionSubmitted(
            reviewID: nil, ticketKey: Self.bounded(key), decision: nil,
            comment: EncodedLength.cut(comment.body, within: 64 * 1024, what: "comment"), reviewer: Self.bounded(comment.author))
        return try await submit(submitted, reason: "a comment on \(key)", delivery: delivery, headers: headers)
    }

    /// `delivery` is the provider's delivery id, or what stands for it: the same fact gets the same event id.
    private func submit(_ submitted: ReviewDecisionSubmitted, reason: String, delivery: String, headers: [String: String])
        async throws -> WebhookAnswer
    {
        let id = EventID.derived(from: "approval:" + delivery)
        let correlationID = EventID.random()
        guard try await gate.publishOnce(submitted, source: .approval, id: id, correlationID: correlationID, headers: headers,
                                         publisher: publisher) else {
            return .repeated(gate.delivery(headers))
        }
        logger.info("review decision submitted from Jira", metadata: [
            "event_id": "\(id)", "correlation_id": "\(correlationID)", "ticket_key": "\(submitted.ticketKey ?? "")",
            "reason": "\(reason)",
        ])
        return .published(reason: reason, eventID: id)
    }

    private static func bounded(_ name: String) -> String {
        EncodedLength.cut(name, within: 512, what: "name")
    }
}
