import ChangeIntake
import KinexusBus
import KinexusEvents
import KinexusRedis
import Logging

/// `POST /webhooks/github`: a merged pull request with a documentation label becomes ChangeDetected from
/// `kinexus.github`. Signed with `X-Hub-Signature-256`, de-duplicated on `X-GitHub-Delivery`.
public struct GitHubWebhookIntake: Sendable {
    let configuration: IngressConfiguration
    let deliveries: DeliveryMemory
    let publisher: EventPublisher
    let logger: Logger

    public init(configuration: IngressConfiguration, redis: RedisClient, publisher: EventPublisher, logger: Logger) {
        self.configuration = configuration
        deliveries = DeliveryMemory(redis: redis, provider: "github", duration: configuration.deliveryMemory)
        self.publisher = publisher
        self.logger = logger
    }

    /// `headers` are looked up by lower-cased name.
    public func receive(body: [UInt8], headers: [String: String]) async throws -> WebhookAnswer {
        if let secret = configuration.githubWebhookSecret,
           !WebhookSignature.isValid(headers["x-hub-signature-256"], body: body, secret: secret) {
            return .error(401, "the X-Hub-Signature-256 header is missing or does not match the body", code: "bad_signature")
        }
        let delivery = headers["x-github-delivery"]
        if try await deliveries.isRepeat(delivery) { return .repeated(delivery) }
        let event = headers["x-github-event"] ?? "pull_request"
        guard event == "pull_request" else {
            try await deliveries.remember(delivery)
            return .decision(accepted: false, reason: "\(event) events are not evaluated", changeID: nil)
        }
        let pullRequest: GitHubPullRequest
        do {
            pullRequest = try WebhookBody.read(body, as: GitHubPullRequest.init)
        } catch {
            return error.answer
        }
        let decision = pullRequest.decide(configuration.filter)
        var changeID: String?
        if decision.accepted {
            let id = EventID.derived(from: "github:" + (delivery ?? pullRequest.key))
            try await publishChange(pullRequest.changeDetected(changeID: id), source: .github, publisher: publisher,
                                    logger: logger, reason: decision.reason)
            changeID = id
        }
        try await deliveries.remember(delivery)
        return .decision(accepted: decision.accepted, reason: decision.reason, changeID: changeID)
    }
}
