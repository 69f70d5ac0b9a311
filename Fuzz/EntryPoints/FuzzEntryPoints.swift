import ChangeIntake
import EventBridgeRules
import EventPatterns
import Foundation
import KinexusEvents
import KinexusJSON
import RoutingRules
import StoryRules
import SupportRules

/// What every edge of Kinexus does with bytes from outside, one function per entry point, run by the
/// libFuzzer targets in `Fuzz/Targets` and by the regression suite on every input that ever crashed one.
/// Refusing input is fine; trapping is the defect. A rule the edges promise (an accepted change fits one
/// event, nothing accepted holds a NUL) is checked with `precondition`, so breaking it is a crash too.
public enum FuzzEntryPoints {
    public static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "json-parser": jsonParser, "jira-webhook": jiraWebhook, "github-webhook": gitHubWebhook,
        "event-pattern": eventPattern, "ticket-submission": ticketSubmission, "story-input": storyInput,
        "aws-request": awsRequest, "rule-target": ruleTarget,
    ]

    /// `POST /aws/events`: the signature checked with the bytes as every header and the body, and the body read as
    /// PutEvents; an accepted entry is an event the bus takes.
    public static func awsRequest(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let verifier = SignatureV4(credentials: AWSCredentials(secrets: ["KXFUZZ": "secret"]), service: "events")
        let request = SignatureV4.Request(method: "POST", path: "/aws/events/" + text.prefix(64), query: String(text.prefix(64)),
                                          headers: [("Authorization", text), ("X-Amz-Date", String(text.prefix(16))), ("host", text)],
                                          body: bytes)
        _ = try? verifier.verify(request, now: Date(timeIntervalSince1970: 1_800_000_000))
        _ = TraceHeader.traceparent(fromXRay: text)
        guard let json = try? JSONValue(parsing: bytes), let entries = try? PutEventsEntry.entries(of: json) else { return }
        let bus = EventBus(account: "000000000000", region: "local")
        for entry in entries {
            if case .success(let envelope) = PutEventsEntry.envelope(of: entry, on: bus, now: Date(timeIntervalSince1970: 1_800_000_000)) {
                precondition((try? envelope.encoded()) != nil, "an accepted entry makes an event the bus refuses")
            }
        }
    }

    /// PutTargets and CreateConnection: a target the API accepts is delivered by the event-router as an invocation
    /// of an event, whatever its input path or transformer, with a connection read from the same bytes.
    public static func ruleTarget(_ bytes: [UInt8]) {
        guard let json = try? JSONValue(parsing: bytes) else { return }
        let box = SecretBox(key: Array(repeating: 1, count: 32))
        let connection = (try? ConnectionDefinition(type: json["AuthorizationType"]?.stringValue, parameters: json["AuthParameters"], box: box))
            .flatMap { try? ConnectionDefinition(stored: $0.stored).invocationParts(box: box, environment: ["TOKEN": "t"]) }
        guard let target = try? TargetDefinition(json: json) else { return }
        let event = EventEnvelope(id: "e-1", detailType: "OrderPlaced", source: "acme.orders", account: "000000000000",
                                  time: Date(timeIntervalSince1970: 1_800_000_000), region: "local",
                                  detail: json["Detail"].flatMap { if case .object = $0 { $0 } else { nil } } ?? ["order": 1])
        _ = Invocation(event: event, ruleName: "rule", ruleARN: "arn:rule", target: target, endpoint: "https://example.com/*/x?a=1",
                       method: "POST", connection: connection ?? ([], []))
        precondition((try? TargetDefinition(json: target.json)) == target, "a stored target reads back as it was put")
    }

    /// Parse, write back and parse again: the writer's output is JSON the parser reads to the same value.
    public static func jsonParser(_ bytes: [UInt8]) {
        guard let value = try? JSONValue(parsing: bytes) else { return }
        let written = value.jsonText
        precondition((try? JSONValue(parsing: written)) != nil, "the writer wrote JSON its parser refuses")
        _ = value.pathOfNUL
        if case .string(let text) = value {
            precondition(EncodedLength.of(text) == JSONValue.string(text).jsonText.utf8.count - 2)
        }
    }

    /// What `/webhooks/jira` and `/webhooks/approval` do before anything reaches Redis.
    public static func jiraWebhook(_ bytes: [UInt8]) {
        guard let json = try? JSONValue(parsing: bytes), json.pathOfNUL == nil else { return }
        if let comment = try? JiraCommentWebhook(json: json) {
            _ = comment.issue(under: "https://jira.example.com")
            return
        }
        guard let webhook = try? JiraWebhook(json: json) else { return }
        let filter = ChangeFilter()
        let decision = filter.decide(webhook)
        _ = decision.reason
        fitsOneEvent(ChangeContext.changeDetected(from: webhook, changeID: "fuzz", storyPointsField: filter.storyPointsField))
    }

    /// What `/webhooks/github` does before anything reaches Redis: a pull request, and a review or comment
    /// read as each of the review webhooks, whose feedback fits one event however long its texts.
    public static func gitHubWebhook(_ bytes: [UInt8]) {
        guard let json = try? JSONValue(parsing: bytes), json.pathOfNUL == nil else { return }
        for kind in GitHubCodeReview.Kind.allCases {
            guard let review = try? GitHubCodeReview(event: kind, json: json) else { continue }
            _ = review.decide(GitHubCodeReview.Rules()).reason
            _ = review.key
            encode(CodegenFeedbackSubmitted(taskID: "fuzz", feedback: review.feedback.bounded(within: 64 * 1024)))
        }
        guard let pullRequest = try? GitHubPullRequest(json: json) else { return }
        _ = pullRequest.decide(ChangeFilter()).reason
        fitsOneEvent(pullRequest.changeDetected(changeID: "fuzz"))
    }

    /// A pattern as `kinexus tap --pattern` and `test-event-pattern` read it, matched against an event.
    public static func eventPattern(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self), let pattern = try? EventPattern(parsing: text) else { return }
        let event: JSONValue = [
            "source": "kinexus.jira", "detail-type": "ChangeDetected", "detail": [
                "labels": ["api-change"], "story_points": 3, "summary": "Orders", "ip": "10.0.0.1", "n": .number(-0.0),
            ],
        ]
        _ = pattern.matches(event)
        if let other = try? JSONValue(parsing: bytes) { _ = pattern.matches(other) }
    }

    /// `POST /tickets`: a ticket the API accepts becomes an event that fits the bus and holds no NUL.
    public static func ticketSubmission(_ bytes: [UInt8]) {
        guard let json = try? JSONValue(parsing: bytes), json.pathOfNUL == nil,
              case .success(let ticket) = TicketSubmission.parse(json, now: Date(timeIntervalSince1970: 1_800_000_000),
                                                                newID: { "00000000-0000-0000-0000-000000000000" })
        else { return }
        encode(ticket.received)
    }

    /// `POST`/`PATCH /api/stories` and the tests of a story: decoded, then applied to a blank one.
    public static func storyInput(_ bytes: [UInt8]) {
        guard (try? JSONValue(parsing: bytes))?.pathOfNUL == nil else { return }
        let blank = Story(id: UUID(), parentID: nil, title: "", description: "", asA: "", iWant: "", soThat: "", components: [],
                          storyPoints: nil, assigneeEmail: nil, status: "Draft")
        if let input = try? JSONDecoder().decode(StoryInput.self, from: Data(bytes)), case .success(let story) = input.applied(to: blank) {
            _ = InvestCheck.warnings(for: story.draft(isEpic: false))
        }
        let test = AcceptanceTest(id: UUID(), storyID: UUID(), title: "", given: [], when: [], then: [], status: "Draft")
        if let input = try? JSONDecoder().decode(AcceptanceTestInput.self, from: Data(bytes)),
           case .success(let accepted) = input.applied(to: test) {
            _ = Measurability.warnings(then: accepted.then)
        }
    }

    private static func fitsOneEvent(_ change: ChangeDetected) {
        encode(ChangeBounds.bounded(change))
    }

    private static func encode(_ detail: some EventDetail) {
        do {
            _ = try EventEnvelope(detailType: type(of: detail).detailType, source: "kinexus.fuzz", account: "000000000000",
                                  region: "local", detail: try JSONValue(encoding: detail)).encoded()
        } catch {
            preconditionFailure("an accepted input makes an event the bus refuses: \(error)")
        }
    }
}
