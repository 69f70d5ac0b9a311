import Atlassian
import ChangeIntake
import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusServiceKit
import Logging

/// Jira's webhooks: `POST /webhooks/jira` checks the signature, reads the webhook, applies the smart filter
/// and publishes ChangeDetected for an accepted ticket, answering repeats of a delivery without publishing
/// again; `POST /webhooks/approval` (in ReviewDecisionIntake.swift) reads review decisions.
struct JiraWebhookIntake: Sendable {
    let configuration: IngressConfiguration
    let gate: WebhookGate
    let publisher: EventPublisher
    /// Finds the issue of a comment webhook that came without one (Jira Server and Data Center).
    let jira: JiraClient?
    let logger: Logger

    enum Webhook {
        case issue(JiraWebhook)
        case commentWithoutIssue(JiraCommentWebhook)

        init(json: JSONValue) throws(InvalidWebhook) {
            if let comment = try JiraCommentWebhook(json: json) {
                self = .commentWithoutIssue(comment)
            } else {
                self = .issue(try JiraWebhook(json: json))
            }
        }
    }

    /// The webhook and its delivery id; a bad signature or a body that is not a Jira webhook is refused.
    func admit(body: [UInt8], headers: [String: String]) throws(APIError) -> (Webhook, delivery: String?) {
        try gate.checkSignature(body: body, headers: headers)
        return (try WebhookBody.read(body, as: Webhook.init), gate.delivery(headers))
    }

    /// `headers` are looked up by lower-cased name.
    func receive(body: [UInt8], headers: [String: String]) async throws -> WebhookAnswer {
        let webhook: JiraWebhook, delivery: String?
        switch try admit(body: body, headers: headers) {
        case (.commentWithoutIssue(let comment), _):
            return try await gate.answer(.decision(accepted: false, reason: "\(comment.event) events are not evaluated", changeID: nil),
                                         headers: headers)
        case (.issue(let admitted), let id): (webhook, delivery) = (admitted, id)
        }
        let decision = configuration.filter.decide(webhook)
        guard decision.accepted else {
            logger.debug("webhook filtered out", metadata: ["ticket_key": "\(webhook.issueKey)", "reason": "\(decision.reason)"])
            return try await gate.answer(.decision(accepted: false, reason: decision.reason, changeID: nil), headers: headers)
        }
        // Retries of one delivery carry its identifier: the same fact gets the same event id.
        let id = EventID.derived(from: "jira:" + (delivery ?? "\(webhook.issueKey):\(webhook.timestamp.timeIntervalSince1970)"))
        let change = ChangeContext.changeDetected(from: webhook, changeID: id, storyPointsField: configuration.filter.storyPointsField)
        return try await publishChange(change, source: .jira, gate: gate, headers: headers, publisher: publisher, logger: logger,
                                       reason: decision.reason)
    }
}
