import ChangeIntake
import Foundation
import KinexusBus
import KinexusEvents
import KinexusRedis
import Logging

/// `POST /webhooks/jira`: checks the signature, answers repeats of a delivery without publishing again,
/// reads the webhook, applies the smart filter and publishes ChangeDetected for an accepted ticket.
public struct JiraWebhookIntake: Sendable {
    let configuration: IngressConfiguration
    let deliveries: DeliveryMemory
    let publisher: EventPublisher
    let logger: Logger

    public init(configuration: IngressConfiguration, redis: RedisClient, publisher: EventPublisher, logger: Logger) {
        self.configuration = configuration
        deliveries = DeliveryMemory(redis: redis, provider: "jira", duration: configuration.deliveryMemory)
        self.publisher = publisher
        self.logger = logger
    }

    /// `headers` are looked up by lower-cased name.
    public func receive(body: [UInt8], headers: [String: String]) async throws -> WebhookAnswer {
        if let secret = configuration.jiraWebhookSecret,
           !WebhookSignature.isValid(headers["x-hub-signature"], body: body, secret: secret) {
            return .error(401, "the X-Hub-Signature header is missing or does not match the body", code: "bad_signature")
        }
        let delivery = headers["x-atlassian-webhook-identifier"]
        if try await deliveries.isRepeat(delivery) { return .repeated(delivery) }
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
        try await deliveries.remember(delivery)
        return .decision(accepted: decision.accepted, reason: decision.reason, changeID: changeID)
    }
}
