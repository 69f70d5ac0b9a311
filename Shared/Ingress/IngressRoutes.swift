import Hummingbird
import KinexusEvents
import KinexusServiceKit

/// The ingress's HTTP surface.
public struct IngressRoutes: Sendable {
    let jira: JiraWebhookIntake
    let github: GitHubWebhookIntake
    let maximumBodyBytes: Int

    public init(jira: JiraWebhookIntake, github: GitHubWebhookIntake, maximumBodyBytes: Int) {
        self.jira = jira
        self.github = github
        self.maximumBodyBytes = maximumBodyBytes
    }

    public func add(to router: Router<BasicRequestContext>) {
        router.post("/webhooks/jira") { request, _ in
            try await webhook(request, jira.receive)
        }
        router.post("/webhooks/github") { request, _ in
            try await webhook(request, github.receive)
        }
    }

    /// The body, at most `maximumBodyBytes` (413 past that), and the headers by lower-cased name.
    private func webhook(
        _ request: Request, _ receive: ([UInt8], [String: String]) async throws -> WebhookAnswer
    ) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumBodyBytes)
        } catch {
            return jsonResponse(.contentTooLarge, ErrorBody(
                error: "the body is larger than \(maximumBodyBytes) bytes", code: "body_too_large"))
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            headers[field.name.canonicalName] = field.value
        }
        let answer = try await receive(Array(buffer: body), headers)
        return jsonResponse(HTTPResponse.Status(code: answer.status), answer.body)
    }
}
