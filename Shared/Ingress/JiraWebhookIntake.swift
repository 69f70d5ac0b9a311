import ChangeIntake
import Foundation
import KinexusBus
import KinexusEvents
import KinexusRedis
import Logging

/// `POST /webhooks/jira`: checks the signature, answers repeats of a delivery without publishing again,
/// reads the webhook, applies the smart filter and publishes ChangeDetected for an accepted ticket.
struct JiraWebhookIntake: Sendable {
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
        let decision = configuration.filter.decide(webhook)
        var changeID: String?
        if decision.accepted {
            // Retries of one delivery carry its identifier: the same fact gets the same event id.
            let id = EventID.derived(from: "jira:" + (delivery ?? "\(webhook.issueKey):\(webhook.timestamp.timeIntervalSince1970)"))
            let change = ChangeContext.changeDetected(from: webhook, changeID: id,
                                                      storyPointsField: configuration.filter.storyPointsField)
            try await publishChange(change, source: .jira, publisher: publisher, logger: logger, reason: decision.reason)
            changeID = id
        } else {
            logger.debug("webhook filtered out", metadata: ["ticket_key": "\(webhook.issueKey)", "reason": "\(decision.reason)"])
        }
        try await gate.remember(headers)
        return .decision(accepted: decision.accepted, reason: decision.reason, changeID: changeID)
    }
}
