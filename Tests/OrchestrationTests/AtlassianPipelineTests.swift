import Atlassian
import FakeServices
import Foundation
import KinexusBus
import KinexusEvents
import KinexusTestSupport
import Logging
import OutboundHTTP
import PostgresNIO
import Testing

/// The documentation services with Jira and Confluence configured, against fakes checked by Atlassian's
/// documents: reviews happen on Jira tickets and approved pages go to Confluence.
extension OrchestratorTests {
    func withAtlassian(
        _ body: @Sendable @escaping (JiraClient, FakeJira, ConfluenceClient, FakeConfluence) async throws -> Void
    ) async throws {
        let jiraFake = try await FakeJira(email: "bot@example.com", token: "token")
        let confluenceFake = try await FakeConfluence(spaceKey: "DOCS", email: "bot@example.com", token: "token")
        let logger = self.logger
        try await withFakeServer({ await jiraFake.handle($0) }) { jiraBase in
            try await withFakeServer({ await confluenceFake.handle($0) }) { confluenceBase in
                let settings = try AtlassianSettings(environment: [
                    "KINEXUS_JIRA_BASE_URL": jiraBase, "KINEXUS_JIRA_EMAIL": "bot@example.com", "KINEXUS_JIRA_API_TOKEN": "token",
                    // Review ticket keys are unique in the shared database, as they are in one Jira site.
                    "KINEXUS_JIRA_PROJECT_KEY": String((0..<8).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZ".randomElement()! }), "KINEXUS_CONFLUENCE_URL": confluenceBase + "/wiki",
                    "KINEXUS_CONFLUENCE_SPACE_KEY": "DOCS", "KINEXUS_CONFLUENCE_PARENT_ID": "777",
                ])
                let http = RetryingHTTPClient(service: "Atlassian", policy: .init(timeout: .seconds(5), firstDelay: .milliseconds(10)),
                                              logger: logger)
                try await body(JiraClient(settings: try #require(settings.jira), http: http), jiraFake,
                               ConfluenceClient(settings: try #require(settings.confluence), http: http, logger: logger),
                               confluenceFake)
            }
        }
    }

    @Test func reviewsHappenOnJiraTicketsAndApprovedPagesGoToConfluence() async throws {
        try await withAtlassian { jira, jiraFake, confluence, confluenceFake in
            // A Redis database of its own: reviewers and approvers of other tests, without Jira, would take
            // part in this flow otherwise.
            try await withOrchestrators(withReviewer: true, jira: jira, confluence: confluence, redisDatabase: 2) { redis, postgres in
                let key = TestEnvironment.unique("DOC")
                let title = "Flow \(UUID().uuidString.prefix(8)) \(UUID().uuidString.suffix(8))"
                let first = change(key, summary: title)
                let firstEvent = try await publisher(redis).publish(first, source: .jira, id: first.changeID)
                let review1 = try #require(try await review(after: firstEvent.id, redis: redis))
                let ticket1 = try #require(review1.reviewTicketKey)
                let issue1 = try #require(await jiraFake.issues[ticket1])
                #expect(issue1.fields["summary"] == .string("Review: \(title)"))
                #expect(issue1.labels == ["documentation-review", "auto-generated", "kinexus-ai"])
                let description = issue1.fields["description"]?.jsonText ?? ""
                #expect(description.contains(review1.diffURL.replacingOccurrences(of: "/", with: "\\/"))
                    || description.contains(review1.diffURL))
                #expect(description.contains("Document ID: \(review1.documentID)"))

                // A reviewer's Jira comment, as /webhooks/approval submits it, asks for a revision.
                let revise = try await publisher(redis).publish(ReviewDecisionSubmitted(
                    reviewID: nil, ticketKey: ticket1, decision: nil, comment: "Needs revision: list the limits",
                    reviewer: "acct-ana"), source: .approval)
                let revision = try #require(try await published(
                    RevisionRequested.self, id: EventID.derived(from: "decided:" + revise.id),
                    on: Topic(source: "kinexus.approval", detailType: "RevisionRequested").streamKey, redis: redis))
                let review2 = try #require(try await review(after: try await revisionEventID(redis, revision), redis: redis))
                let ticket2 = try #require(review2.reviewTicketKey)
                #expect(ticket2 != ticket1)

                // The ticket moves to Done after the reviewer's last word: an approval recording that word.
                await jiraFake.addComment(to: ticket2, author: "acct-ana", text: "LGTM, ship it")
                await jiraFake.addComment(to: ticket2, author: "kinexus-bot", text: "Kinexus is watching")
                let approve = try await publisher(redis).publish(ReviewDecisionSubmitted(
                    reviewID: nil, ticketKey: ticket2, decision: "approved", comment: "", reviewer: "acct-ana"), source: .approval)
                let page = try #require(try await published(
                    DocumentationPublished.self, id: EventID.derived(from: "decided:" + approve.id),
                    on: Topic(source: "kinexus.approval", detailType: "DocumentationPublished").streamKey, redis: redis))
                #expect(page.pageURL == "https://example.atlassian.net/wiki/spaces/DOCS/pages/\(page.pageID)")
                let stored = try #require(await confluenceFake.page(titled: title))
                #expect(stored.parentID == "777")
                #expect(stored.storage.contains("<h2>Overview</h2>"))
                #expect(stored.storage.contains("list the limits"))

                #expect(await eventually { await jiraFake.issues[ticket2]?.labels.contains("kinexus-approved") == true })
                let lastComment = await jiraFake.issues[ticket2]?.comments.last?.body.jsonText ?? ""
                #expect(lastComment.contains(page.pageID))
                #expect(await jiraFake.issues[ticket1]?.labels.contains("kinexus-needs-revision") == true)
                let rows = try await postgres.query(
                    "SELECT comment FROM docs.decisions WHERE review_id = \(UUID(uuidString: review2.reviewID)!)", logger: logger)
                for try await comment in rows.decode(String.self) { #expect(comment == "LGTM, ship it") }

                #expect(await jiraFake.violations == [])
                #expect(await confluenceFake.violations == [])
            }
        }
    }
}
