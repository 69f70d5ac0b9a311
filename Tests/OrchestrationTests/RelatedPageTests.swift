import DocumentQueries
import DocumentWriting
import Foundation
import KinexusBus
import KinexusEvents
import KinexusTestSupport
@testable import Orchestration
import PostgresNIO
import Testing

extension OrchestratorTests {
    @Test func aChangeAboutAPublishedSubjectUpdatesThatPageAndIsReviewedAgainstIt() async throws {
        try await withOrchestrators(withReviewer: true) { redis, postgres in
            let word = "zq" + TestEnvironment.unique("w").replacingOccurrences(of: "-", with: "")
            let pageTitle = "Quota \(word) public limits"
            let written = "# \(pageTitle)\n\n## Overview\n\nWritten by a person.\n\n## Custom\n\nKeep me.\n"
            try await postgres.query("""
                INSERT INTO docs.pages (slug, document_id, title, markdown, version)
                VALUES (\(word), \(UUID()), \(pageTitle), \(written), 1)
                """, logger: logger)
            let change = change(TestEnvironment.unique("DOC"), summary: "Public limits for quota \(word)")
            let event = try await publisher(redis).publish(change, source: .jira, id: change.changeID)
            let generated = try #require(try await generated(for: event.id, redis: redis))
            #expect(generated.title == pageTitle)
            let markdown = try #require(try await DocumentQueries(client: postgres, logger: logger)
                .markdown(of: UUID(uuidString: generated.documentID)!, version: 1))
            #expect(markdown.hasPrefix("# \(pageTitle)\n"))
            #expect(markdown.contains("## Custom\n\nKeep me."))
            #expect(markdown.contains("- Updated for \(change.ticketKey)"))
            #expect(!markdown.contains("Written by a person."))

            let review = try #require(try await review(after: event.id, redis: redis))
            #expect(!review.summary.hasSuffix("0 deletions, 0 changes"), "compared with the page: \(review.summary)")
            let rows = try await postgres.query(
                "SELECT diff_html FROM docs.reviews WHERE review_id = \(UUID(uuidString: review.reviewID)!)", logger: logger)
            for try await html in rows.decode(String.self) { #expect(html.contains("published page → version 1")) }
        }
    }

    @Test func aVersionWrittenMeanwhileSendsTheEventRoundAgain() async throws {
        try await withOrchestrators { _, postgres in
            let store = DocumentStore(client: postgres, logger: logger)
            let change = change(TestEnvironment.unique("DOC"), summary: "Raced \(UUID().uuidString.prefix(6))")
            let first = try await store.writeVersion(for: try .init(change), eventID: EventID.random(), title: change.summary, basedOn: 0,
                                                     markdown: "# one\n")
            await #expect(throws: DocumentStore.StoreError.movedOn(first.documentID.uuidString, expected: 0, found: 1)) {
                try await store.writeVersion(for: try .init(change), eventID: EventID.random(), title: change.summary, basedOn: 0,
                                             markdown: "# stale\n")
            }
            let second = try await store.writeRevision(of: first.documentID, eventID: EventID.random(), feedback: "more",
                                                       basedOn: 1, markdown: "# two\n")
            #expect(second.version == 2)
        }
    }
}

extension OrchestratorTests {
    /// A crash after the approval was recorded but before DocumentationPublished went out: the redelivered
    /// decision finishes the work instead of finding the review closed.
    @Test func aRedeliveredApprovalFinishesWhatACrashInterrupted() async throws {
        let approverGroup = TestEnvironment.unique("approver")
        try await withOrchestrators(withReviewer: true, approverGroup: approverGroup) { redis, postgres in
            let change = change(TestEnvironment.unique("DOC"), summary: "Crash \(UUID().uuidString.prefix(8))")
            let event = try await publisher(redis).publish(change, source: .jira, id: change.changeID)
            let review = try #require(try await review(after: event.id, redis: redis))
            let before = Date().addingTimeInterval(-1)
            let approve = try await publisher(redis).publish(
                ReviewDecisionSubmitted(reviewID: review.reviewID, decision: "approved", comment: "LGTM", reviewer: "ana"),
                source: .console)
            let publishedStream = Topic(source: "kinexus.approval", detailType: "DocumentationPublished").streamKey
            let publishedID = EventID.derived(from: "decided:" + approve.id)
            _ = try #require(try await published(DocumentationPublished.self, id: publishedID, on: publishedStream, redis: redis))
            let entries = StreamEntry.parseEntries(try await redis.send("XREVRANGE", publishedStream, "+", "-", "COUNT", "500"),
                                                   stream: publishedStream)
            // As if the approver had stopped before publishing: neither the entry nor the publisher's memory of it.
            for entry in entries where (try? entry.envelope().id) == publishedID {
                try await redis.send("XDEL", publishedStream, entry.id)
            }
            try await redis.send("DEL", "kinexus:published:\(publishedStream):\(publishedID)")

            _ = try await BusAdmin(redis: redis).replay(group: approverGroup, stream: Self.decisions, from: before, to: nil,
                                                       publisher: publisher(redis))
            #expect(try await published(DocumentationPublished.self, id: publishedID, on: publishedStream, redis: redis) != nil)
            let rows = try await postgres.query(
                "SELECT count(*) FROM docs.publications WHERE document_id = \(UUID(uuidString: review.documentID)!)", logger: logger)
            for try await count in rows.decode(Int.self) { #expect(count == 1) }
        }
    }
}
