import ChangeIntake
import Foundation
import KinexusJSON
import Testing

/// The filter's rules, each on a variant of the real resolved-ticket webhook.
struct ChangeFilterTests {
    /// The resolved fixture with `edit` applied to its JSON.
    func webhook(_ edit: (inout [String: JSONValue], inout [String: JSONValue]) -> Void = { _, _ in }) throws -> JiraWebhook {
        guard case .object(var root) = try JiraFixtureTests.load("webhook-issue-updated-resolved.json"),
              case .object(var issue)? = root["issue"], case .object(var fields)? = issue["fields"]
        else { throw InvalidWebhook(problem: "fixture shape") }
        edit(&root, &fields)
        issue["fields"] = .object(fields)
        root["issue"] = .object(issue)
        return try JiraWebhook(json: .object(root))
    }

    func decide(_ edit: (inout [String: JSONValue], inout [String: JSONValue]) -> Void) throws -> ChangeFilter.Decision {
        ChangeFilter().decide(try webhook(edit))
    }

    func labels(_ names: String...) -> JSONValue { .array(names.map(JSONValue.string)) }

    func transition(from: String) -> JSONValue {
        .object(["items": .array([.object(["field": "status", "fromString": .string(from), "toString": "Done"])])])
    }

    @Test func skipLabelsWin() throws {
        let decision = try decide { _, fields in fields["labels"] = labels("needs-docs", "internal-only") }
        #expect(decision == .init(accepted: false, reason: "labelled internal-only"))
    }

    @Test func wontFixIsNotDocumented() throws {
        let decision = try decide { _, fields in fields["resolution"] = .object(["name": "Won't Fix"]) }
        #expect(decision == .init(accepted: false, reason: "resolved as 'Won't Fix'"))
    }

    @Test func bugsNeedALabelToBeDocumented() throws {
        let bug = try decide { _, fields in fields["issuetype"] = .object(["name": "Bug"]) }
        #expect(!bug.accepted)
        #expect(bug.reason.hasPrefix("Bug tickets are not documented"))
        let apiBug = try decide { _, fields in
            fields["issuetype"] = .object(["name": "Bug"])
            fields["labels"] = labels("api-change")
        }
        #expect(apiBug.accepted)
    }

    @Test func theTransitionMustComeFromWorkUnlessLabelled() throws {
        let fromToDo = try decide { root, _ in root["changelog"] = transition(from: "To Do") }
        #expect(fromToDo == .init(accepted: false, reason: "moved from 'To Do', not from In Progress, In Review, QA, Testing"))
        let labelled = try decide { root, fields in
            root["changelog"] = transition(from: "To Do")
            fields["labels"] = labels("Needs-Docs")
        }
        #expect(labelled == .init(accepted: true, reason: "'Done' and labelled needs-docs"))
        let fromReview = try decide { root, _ in root["changelog"] = transition(from: "In Review") }
        #expect(fromReview.accepted)
    }

    @Test func smallStoriesAreSkipped() throws {
        let small = try decide { _, fields in fields["customfield_10016"] = .number(1) }
        #expect(small == .init(accepted: false, reason: "1 story points, below 2"))
        #expect(try decide { _, fields in fields["customfield_10016"] = .number(3) }.accepted)
        #expect(try decide { _, fields in fields["customfield_10016"] = .number(-1e300) }.reason.contains("story points"),
                "an absurd value is a decision, not a crash")
        var filter = ChangeFilter()
        filter.storyPointsField = "customfield_10002"
        #expect(!filter.decide(try webhook { _, fields in fields["customfield_10002"] = .number(0.5) }).accepted)
    }

    @Test func oldTicketsAreSkippedUnlessLabelled() throws {
        let old = try decide { _, fields in fields["created"] = "2018-01-01T00:00:00.000+0000" }
        #expect(!old.accepted)
        #expect(old.reason.hasPrefix("created 41"), "\(old.reason)")
        let labelled = try decide { _, fields in
            fields["created"] = "2018-01-01T00:00:00.000+0000"
            fields["labels"] = labels("documentation")
        }
        #expect(labelled.accepted)
    }

    @Test func whatIsNotAJiraWebhookIsRefusedByName() {
        #expect(throws: InvalidWebhook(problem: "'webhookEvent' is missing: this is not a Jira webhook")) {
            try JiraWebhook(json: .object(["issue": .object([:])]))
        }
        #expect(throws: InvalidWebhook(problem: "'issue.key' is missing")) {
            try JiraWebhook(json: .object(["webhookEvent": "jira:issue_updated", "issue": .object([:])]))
        }
        #expect(throws: InvalidWebhook(problem: "the body is not a JSON object")) {
            try JiraWebhook(json: .array([]))
        }
    }
}
