import Atlassian
import Hummingbird
import KinexusBus
import KinexusRedis
import KinexusServiceKit
import Logging
import TaskQueries

/// The webhooks Jira and GitHub deliver to the ingress, each checked by its provider's signature.
public struct WebhookRoutes: Sendable {
    let jira: JiraWebhookIntake
    let github: GitHubWebhookIntake
    let maximumBodyBytes: Int

    /// `jiraClient` looks up the issues of comments Jira Server and Data Center send without one; `tasks`
    /// finds the task that opened a pull request someone reviews.
    public init(configuration: IngressConfiguration, redis: RedisClient, publisher: EventPublisher, jiraClient: JiraClient?,
                tasks: TaskQueries, logger: Logger) {
        func gate(_ provider: String, _ secret: String?, signature: String, delivery: String) -> WebhookGate {
            WebhookGate(redis: redis, provider: provider, secret: secret, signatureHeader: signature, deliveryHeader: delivery,
                        duration: configuration.deliveryMemory)
        }
        // One Jira delivery id goes to one address, so both Jira endpoints share the delivery memory.
        jira = JiraWebhookIntake(
            configuration: configuration,
            gate: gate("jira", configuration.jiraWebhookSecret, signature: "X-Hub-Signature", delivery: "X-Atlassian-Webhook-Identifier"),
            publisher: publisher, jira: jiraClient, logger: logger)
        github = GitHubWebhookIntake(
            configuration: configuration,
            gate: gate("github", configuration.githubWebhookSecret, signature: "X-Hub-Signature-256", delivery: "X-GitHub-Delivery"),
            publisher: publisher, tasks: tasks, logger: logger)
        maximumBodyBytes = configuration.maximumBodyBytes
    }

    public var routes: RouteCollection<KinexusRequestContext> {
        let routes = RouteCollection(context: KinexusRequestContext.self)
        routes.post("/webhooks/jira") { request, _ in
            try await webhook(request, jira.receive)
        }
        routes.post("/webhooks/github") { request, _ in
            try await webhook(request, github.receive)
        }
        routes.post("/webhooks/approval") { request, _ in
            try await webhook(request, jira.receiveDecision)
        }
        return routes
    }

    /// The body, at most `maximumBodyBytes` (413 past that), and the headers by lower-cased name.
    private func webhook(
        _ request: Request, _ receive: ([UInt8], [String: String]) async throws -> WebhookAnswer
    ) async throws -> WebhookAnswer {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumBodyBytes)
        } catch {
            throw APIError(.contentTooLarge, code: "body_too_large", "the body is larger than \(maximumBodyBytes) bytes")
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            headers[field.name.canonicalName] = field.value
        }
        return try await receive(Array(buffer: body), headers)
    }
}
