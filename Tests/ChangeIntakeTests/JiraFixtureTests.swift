import ChangeIntake
import Foundation
import KinexusJSON
import Testing

/// Every real Jira webhook in `Tests/Fixtures/jira-webhooks/`, with the decision a person would expect.
struct JiraFixtureTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/jira-webhooks").standardizedFileURL

    static func load(_ name: String) throws -> JSONValue {
        try JSONValue(parsing: try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static let notEvaluated = "events are not evaluated"
    static let notDone = "is not one of Closed, Complete, Done, Resolved"

    /// fixture → (accepted, a phrase of the reason)
    static let expectations: [String: (Bool, String)] = [
        "webhook-cloud-comment-created-mention-user.json": (false, notEvaluated),
        "webhook-cloud-comment-created.json": (false, notEvaluated),
        "webhook-cloud-comment-deleted.json": (false, notEvaluated),
        "webhook-cloud-comment-updated.json": (false, notEvaluated),
        "webhook-issue-deleted.json": (false, notEvaluated),
        "webhook-cloud-issue-created-many-fields.json": (false, "status 'To Do' " + notDone),
        "webhook-cloud-issue-updated-custom-field.json": (false, notDone),
        "webhook-issue-assigned-empty-changelog.json": (false, notDone),
        "webhook-issue-comment-created-indentation.json": (false, notDone),
        "webhook-issue-created-no-description-nor-relevant-fields.json": (false, notDone),
        "webhook-issue-created-no-description.json": (false, notDone),
        "webhook-issue-created-no-relevant-fields.json": (false, notDone),
        "webhook-issue-created-with-security-level.json": (false, notDone),
        "webhook-issue-created.json": (false, notDone),
        "webhook-issue-updated-assigned-nobody.json": (false, notDone),
        "webhook-issue-updated-assigned-on-server.json": (false, notDone),
        "webhook-issue-updated-assigned.json": (false, notDone),
        "webhook-issue-updated-attachments.json": (false, notDone),
        "webhook-issue-updated-components.json": (false, notDone),
        "webhook-issue-updated-edited.json": (false, notDone),
        "webhook-issue-updated-fix-version.json": (false, notDone),
        "webhook-issue-updated-issue-type.json": (false, notDone),
        "webhook-issue-updated-labels.json": (false, notDone),
        "webhook-issue-updated-lowered-priority.json": (false, notDone),
        "webhook-issue-updated-multiple-custom-fields.json": (false, notDone),
        "webhook-issue-updated-multiple-values.json": (false, notDone),
        "webhook-issue-updated-raised-priority.json": (false, notDone),
        "webhook-issue-updated-rank.json": (false, notDone),
        "webhook-issue-updated-renamed.json": (false, notDone),
        "webhook-issue-updated-reopened-one-changelog.json": (false, notDone),
        "webhook-issue-updated-reopened.json": (false, notDone),
        "webhook-issue-updated-sprint.json": (false, notDone),
        "webhook-issue-updated-started-working.json": (false, "status 'In Progress' " + notDone),
        // Resolved, but this update only set the resolution: the move to Done came in another delivery.
        "webhook-issue-updated-resolved-one-changelog.json": (false, "does not move the ticket into 'Done'"),
        "webhook-issue-updated-resolved.json": (true, "moved from 'In Progress' to 'Done'"),
    ]

    @Test func everyFixtureHasAnExpectation() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".json") }
        #expect(Set(files) == Set(Self.expectations.keys))
    }

    @Test(arguments: expectations.keys.sorted())
    func getsTheDecisionAPersonWouldExpect(fixture: String) throws {
        let webhook = try JiraWebhook(json: try Self.load(fixture))
        let decision = ChangeFilter().decide(webhook)
        let (accepted, reason) = try #require(Self.expectations[fixture])
        #expect(decision.accepted == accepted, "\(decision.reason)")
        #expect(decision.reason.contains(reason), "\(decision.reason)")
    }

    @Test func theResolvedTicketBecomesAChange() throws {
        let webhook = try JiraWebhook(json: try Self.load("webhook-issue-updated-resolved.json"))
        let change = ChangeContext.changeDetected(from: webhook, changeID: "c1")
        #expect(change.ticketKey == webhook.issueKey)
        #expect(change.origin == "jira")
        #expect(change.ticketType == "Story")
        #expect(change.summary == webhook.summary)
        #expect(change.labels == ["test-label"])
        #expect(change.documentationType == "feature")
    }
}
