import ChangeIntake
import Foundation
import KinexusJSON
import Testing

struct ChangeContextTests {
    @Test func adfDescriptionsBecomePlainText() throws {
        let document = try JSONValue(parsing: #"""
        {"type": "doc", "version": 1, "content": [
          {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Acceptance criteria"}]},
          {"type": "bulletList", "content": [
            {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Given a user"}]}]},
            {"type": "listItem", "content": [{"type": "paragraph", "content": [
              {"type": "text", "text": "Then "}, {"type": "mention", "attrs": {"id": "1", "text": "@Ana"}},
              {"type": "text", "text": " sees GET /v1/users"}]}]}]},
          {"type": "paragraph", "content": [{"type": "text", "text": "line one"}, {"type": "hardBreak"},
            {"type": "text", "text": "line two "}, {"type": "emoji", "attrs": {"shortName": ":tada:"}}]},
          {"type": "codeBlock", "content": [{"type": "text", "text": "let x = 1\nlet y = 2"}]}
        ]}
        """#)
        #expect(ADFText.text(ofBody: document) == """
            Acceptance criteria
            - Given a user
            - Then @Ana sees GET /v1/users
            line one
            line two :tada:
            let x = 1
            let y = 2
            """)
        #expect(ADFText.text(ofBody: .string("plain")) == "plain")
        #expect(ADFText.text(ofBody: nil) == "")
    }

    @Test func acceptanceCriteriaComeFromTheirSectionOrFromGivenWhenThen() {
        #expect(ChangeContext.acceptanceCriteria(in: """
            Intro text.
            ## Acceptance Criteria
            - [ ] users can export CSV
            - exports finish within 5 s
            ## Notes
            - not this
            """) == ["users can export CSV", "exports finish within 5 s"])
        #expect(ChangeContext.acceptanceCriteria(in: "Some text\nGiven a cart\nWhen I pay\nThen I get a receipt")
                == ["Given a cart", "When I pay", "Then I get a receipt"])
    }

    @Test func apiPathsAreFoundOnceEach() {
        #expect(ChangeContext.apiPaths(in: ["Adds GET /v1/users and POST /v1/users/{id}/roles.", "GET /v1/users again"])
                == ["GET /v1/users", "POST /v1/users/{id}/roles"])
    }

    @Test func apiPathsNeedAWholeMethodWordAndAPath() {
        #expect(ChangeContext.apiPaths(in: ["FORGET /v1/a, GETX /v1/b, GET it, get /v1/c, GET:/v1/d"]) == [])
        #expect(ChangeContext.apiPaths(in: ["(DELETE\n  /v1/items/{id}:) then PATCH /v1/é"]) == ["DELETE /v1/items/{id}", "PATCH /v1/"])
    }

    @Test(arguments: [
        (["breaking-change", "api-change"], "Story", false, "breaking-change"),
        (["api-change"], "Task", false, "api"),
        ([], "Task", true, "api"),
        (["new-feature"], "Task", false, "feature"),
        ([], "Story", false, "feature"),
        ([], "Task", false, "general"),
    ])
    func documentationTypeFollowsLabelsThenContent(labels: [String], type: String, paths: Bool, expected: String) {
        #expect(ChangeContext.documentationType(labels: labels, issueType: type, hasAPIPaths: paths) == expected)
    }

    @Test func commentsAboutDocumentationAreKept() throws {
        guard case .object(var root) = try JiraFixtureTests.load("webhook-issue-updated-resolved.json"),
              case .object(var issue)? = root["issue"], case .object(var fields)? = issue["fields"]
        else { return }
        fields["comment"] = .object(["comments": .array([
            .object(["author": .object(["accountId": "a1"]), "body": "Please update the README"]),
            .object(["author": .object(["accountId": "a2"]), "body": "Looks good"]),
            .object(["author": .object(["accountId": "a3"]), "body": .object(["type": "doc", "content": .array([
                .object(["type": "paragraph", "content": .array([.object(["type": "text", "text": "The API docs need GET /v2/items"])])]),
            ])])]),
        ])])
        issue["fields"] = .object(fields)
        root["issue"] = .object(issue)
        let change = ChangeContext.changeDetected(from: try JiraWebhook(json: .object(root)), changeID: "c")
        #expect(change.docComments == ["Please update the README", "The API docs need GET /v2/items"])
        #expect(change.apiPaths == ["GET /v2/items"])
    }
}
