import ChangeIntake
import KinexusBus
import KinexusEvents
import KinexusServiceKit
import Logging
import TaskQueries

/// `POST /webhooks/github`, signed with `X-Hub-Signature-256` and de-duplicated on `X-GitHub-Delivery`: a
/// merged pull request with a documentation label becomes ChangeDetected from `kinexus.github`; a review or
/// a comment asking for changes on a pull request a task opened becomes CodegenFeedbackSubmitted, continuing
/// the task's chain.
struct GitHubWebhookIntake: Sendable {
    let configuration: IngressConfiguration
    let gate: WebhookGate
    let publisher: EventPublisher
    let tasks: TaskQueries
    let logger: Logger

    /// What one piece of feedback may weigh in its event: a GitHub comment is at most 65,536 characters.
    static let feedbackBytes = 64 * 1024

    /// `headers` are looked up by lower-cased name.
    func receive(body: [UInt8], headers: [String: String]) async throws -> WebhookAnswer {
        try gate.checkSignature(body: body, headers: headers)
        let event = headers["x-github-event"] ?? "pull_request"
        if let kind = GitHubCodeReview.Kind(rawValue: event) {
            return try await receiveFeedback(try WebhookBody.read(body) { json throws(InvalidWebhook) in
                try GitHubCodeReview(event: kind, json: json)
            }, headers: headers)
        }
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

    /// A review is one fact whichever of its webhooks comes first (its event id is the review's), so the same
    /// review delivered again, or under a new delivery id, queues nothing more.
    private func receiveFeedback(_ review: GitHubCodeReview, headers: [String: String]) async throws -> WebhookAnswer {
        let decision = review.decide(configuration.codeReview)
        guard decision.accepted, let number = review.pullRequest else {
            return try await gate.answer(.decision(accepted: false, reason: decision.reason, changeID: nil), headers: headers)
        }
        guard let task = try await tasks.task(openedAs: number, in: review.repository) else {
            let reason = "\(review.repository)#\(number) is not a pull request a Kinexus task opened"
            return try await gate.answer(.decision(accepted: false, reason: reason, changeID: nil), headers: headers)
        }
        let id = EventID.derived(from: review.key)
        let submitted = CodegenFeedbackSubmitted(taskID: task.taskID, feedback: review.feedback.bounded(within: Self.feedbackBytes))
        guard try await gate.publishOnce(submitted, source: .github, id: id, continuing: task.chain, headers: headers,
                                         publisher: publisher) else {
            return .repeated(gate.delivery(headers))
        }
        logger.info("feedback on a task's pull request", metadata: [
            "event_id": "\(id)", "correlation_id": "\(task.chain.correlationID)", "task_id": "\(task.taskID)",
            "pull_request": "\(review.repository)#\(number)", "reason": "\(decision.reason)",
        ])
        return .published(reason: decision.reason, eventID: id)
    }
}
