import Hummingbird
import KinexusEvents
import KinexusServiceKit

/// The ingress's HTTP surface.
public struct IngressRoutes: Sendable {
    let jira: JiraWebhookIntake
    let maximumBodyBytes: Int

    public init(jira: JiraWebhookIntake, maximumBodyBytes: Int) {
        self.jira = jira
        self.maximumBodyBytes = maximumBodyBytes
    }

    public func add(to router: Router<BasicRequestContext>) {
        router.post("/webhooks/jira") { request, _ in
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
            let answer = try await jira.receive(body: Array(buffer: body), headers: headers)
            return jsonResponse(HTTPResponse.Status(code: answer.status), answer.body)
        }
    }
}
