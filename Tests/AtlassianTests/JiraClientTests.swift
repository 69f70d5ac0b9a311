import Atlassian
import FakeServices
import KinexusJSON
import KinexusSettings
import OutboundHTTP
import Testing

@Suite("Jira client against a fake Jira checked by the v3 OpenAPI document and the ADF schema")
struct JiraClientTests {
    @Test("a review ticket is created in the configured project with an ADF description and labels")
    func createsIssue() async throws {
        try await withJira { jira, fake in
            let description = ADFDocument.document([
                [.text("2 additions, 0 deletions, 1 change")],
                [.text("Diff: "), .link("open the diff", url: "http://localhost:8080/reviews/1/diff?token=abc")],
                [.text("Document ID: "), .strong("7c9e6679")],
                [.text("")],
            ])
            let key = try await jira.createIssue(type: "Task", summary: "Review: Rate limits", description: description,
                                                 labels: ["documentation-review", "auto-generated"])
            #expect(key == "DOCS-1")
            try await jira.addLabels(["kinexus-ai"], to: key)
            let issue = try #require(await fake.issues[key])
            #expect(issue.fields["summary"] == "Review: Rate limits")
            #expect(issue.fields["issuetype"]?["name"] == "Task")
            #expect(issue.labels == ["documentation-review", "auto-generated", "kinexus-ai"])
            #expect(ADFTextOf(issue.fields["description"]).contains("Document ID: 7c9e6679"))
            #expect(await fake.violations == [])
        }
    }

    @Test("comments are written as ADF and read back page by page with their authors")
    func comments() async throws {
        try await withJira { jira, fake in
            let key = try await jira.createIssue(type: "Task", summary: "Review: Paging", description: ADFDocument.document([[.text("x")]]), labels: [])
            for number in 1...120 { await fake.addComment(to: key, author: "acct-\(number % 3)", text: "comment \(number)") }
            try await jira.addComment(ADFDocument.document([[.text("Published: "), .link("the page", url: "https://wiki/p/1")]]), to: key)
            let comments = try await jira.comments(of: key)
            #expect(comments.count == 121)
            #expect(comments.first?.text == "comment 1")
            #expect(comments.first?.authorAccountID == "acct-1")
            #expect(comments.last?.text == "Published: the page")
            #expect(await fake.violations == [])
        }
    }

    @Test("a throttled request is retried after Retry-After; an error answer says what Jira said")
    func throttlingAndErrors() async throws {
        try await withJira { jira, fake in
            await fake.throttle(2)
            let key = try await jira.createIssue(type: "Task", summary: "Review: Throttled", description: ADFDocument.document([[.text("x")]]), labels: [])
            #expect(key == "DOCS-1")
            let error = await #expect(throws: UnexpectedStatus.self) { try await jira.addComment(ADFDocument.document([[.text("x")]]), to: "NOPE-9") }
            #expect(error?.status == 404)
            #expect(error?.description.contains("Issue does not exist") == true)
        }
    }

    @Test("a half-configured Jira is refused with the variable that is missing")
    func incompleteSettings() {
        #expect(throws: InvalidSetting(missing: "KINEXUS_JIRA_PROJECT_KEY", because: "KINEXUS_JIRA_BASE_URL")) {
            try AtlassianSettings(environment: [
                "KINEXUS_JIRA_BASE_URL": "https://example.atlassian.net", "KINEXUS_JIRA_EMAIL": "a@b.c", "KINEXUS_JIRA_API_TOKEN": "t",
            ])
        }
        #expect(throws: InvalidSetting(missing: "KINEXUS_CONFLUENCE_SPACE_KEY", because: "KINEXUS_CONFLUENCE_URL")) {
            try AtlassianSettings(environment: [
                "KINEXUS_CONFLUENCE_URL": "https://example.atlassian.net/wiki", "KINEXUS_JIRA_EMAIL": "a@b.c", "KINEXUS_JIRA_API_TOKEN": "t",
            ])
        }
    }
}

func ADFTextOf(_ document: JSONValue?) -> String {
    guard case .array(let content)? = document?["content"] else { return document?["text"]?.stringValue ?? "" }
    return content.map(ADFTextOf).joined(separator: document?["type"] == "doc" ? "\n" : "")
}
