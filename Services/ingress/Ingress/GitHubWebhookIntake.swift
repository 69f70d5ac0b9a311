import ChangeIntake
import KinexusBus
import KinexusEvents
import KinexusServiceKit
import Logging

/// `POST /webhooks/github`: a merged pull request with a documentation label becomes ChangeDetected from
/// `kinexus.github`. Signed with `X-Hub-Signature-256`, de-duplicated on `X-GitHub-Delivery`.
struct GitHubWebhookIntake: Sendable {
    let configuration: IngressConfiguration
    let gate: WebhookGate
    let publisher: EventPublisher
    let logger: Logger

    /// `headers` are looked up by lower-cased name.
    func receive(body: [UInt8], headers: [String: String]) async throws -> WebhookAnswer {
        try gate.checkSignature(body: body, headers: headers)
        let event = headers["x-github-event"] ?? "pull_request"
        guard event == "pull_request" else {
            return try await gate.answer(.decision(accepted: false, reason: "\(event) events are not evaluated", changeID: nil),
                                         headers: headers)
        }
        let pullRequest = try WebhookBody.read(body, as: GitHubPullRequest.init)
        let decision = pullRequest.decide(configuration.filter)
        guard decision.accepted else {
            return try await gate.answer(.decision(accepted: false, reason: decision.reason, changeID: nil), headers: headers)
        }
        let id = EventID.derived(from: "github:" + (gate.delivery(headers) ?? pullRequest.key))
        return try await publishChange(pullRequest.changeDetected(changeID: id), source: .github, gate: gate, headers: headers,
                                       publisher: publisher, logger: logger, reason: decision.reason)
    }
}
