import ChangeIntake
import Foundation
import KinexusBus
import KinexusEvents
import KinexusRedis
import Logging

/// `POST /webhooks/jira`: checks the signature, answers repeats of a delivery without publishing again,
/// reads the webhook, applies the smart filter and publishes ChangeDetected for an accepted ticket.
public struct JiraWebhookIntake: Sendable {
    public struct Answer: Sendable, Equatable {
        public let status: Int
        public let body: JSONValue
    }

    let configuration: IngressConfiguration
    let redis: RedisClient
    let publisher: EventPublisher
    let logger: Logger

    public init(configuration: IngressConfiguration, redis: RedisClient, publisher: EventPublisher, logger: Logger) {
        self.configuration = configuration
        self.redis = redis
        self.publisher = publisher
        self.logger = logger
    }

    /// `headers` are looked up by lower-cased name.
    public func receive(body: [UInt8], headers: [String: String]) async throws -> Answer {
        if let secret = configuration.jiraWebhookSecret,
           !WebhookSignature.isValid(headers["x-hub-signature"], body: body, secret: secret) {
            return Self.error(401, "the X-Hub-Signature header is missing or does not match the body", code: "bad_signature")
        }
        let delivery = headers["x-atlassian-webhook-identifier"]
        let deliveryKey = delivery.map { "kinexus:webhook:jira:\($0)" }
        if let deliveryKey, try await redis.send("EXISTS", deliveryKey) == .integer(1) {
            return Answer(status: 200, body: .object([
                "accepted": false, "duplicate": true, "reason": .string("delivery \(delivery!) was already received"),
            ]))
        }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: body)
        } catch {
            return Self.error(400, "the body is not JSON: \(error)", code: "malformed_json")
        }
        let webhook: JiraWebhook
        do {
            webhook = try JiraWebhook(json: json)
        } catch {
            return Self.error(400, "not a Jira webhook: \(error)", code: "not_a_jira_webhook")
        }
        let decision = configuration.filter.decide(webhook)
        var answer: [String: JSONValue] = ["accepted": .bool(decision.accepted), "reason": .string(decision.reason)]
        if decision.accepted {
            // Retries of one delivery carry its identifier: the same fact gets the same event id.
            let changeID = DerivedEventID.from("jira:" + (delivery ?? "\(webhook.issueKey):\(webhook.timestamp.timeIntervalSince1970)"))
            let change = ChangeContext.changeDetected(from: webhook, changeID: changeID,
                                                      storyPointsField: configuration.filter.storyPointsField)
            let correlationID = EventID.random()
            try await publisher.publish(change, source: .jira, id: changeID, correlationID: correlationID)
            answer["change_id"] = .string(changeID)
            logger.info("change detected", metadata: [
                "event_id": "\(changeID)", "correlation_id": "\(correlationID)", "ticket_key": "\(webhook.issueKey)",
                "reason": "\(decision.reason)",
            ])
        } else {
            logger.debug("webhook filtered out", metadata: ["ticket_key": "\(webhook.issueKey)", "reason": "\(decision.reason)"])
        }
        // Remembered only once published: a delivery that failed half-way is processed again on retry.
        if let deliveryKey {
            try await redis.send("SET", deliveryKey, "1", "EX", String(configuration.deliveryMemory.components.seconds))
        }
        return Answer(status: 200, body: .object(answer))
    }

    static func error(_ status: Int, _ message: String, code: String) -> Answer {
        Answer(status: status, body: .object(["error": .string(message), "code": .string(code)]))
    }
}
