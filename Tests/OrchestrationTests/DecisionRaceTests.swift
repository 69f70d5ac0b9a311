import Foundation
import KinexusBus
import KinexusEvents
import KinexusTestSupport
import Testing

extension OrchestratorTests {
    /// An approval and a rejection of one review published together: exactly one of them takes effect.
    @Test func twoDecisionsAtOnceHaveExactlyOneOutcome() async throws {
        let approverGroup = TestEnvironment.unique("approver")
        try await withOrchestrators(withReviewer: true, approverGroup: approverGroup) { redis, _ in
            let change = change(TestEnvironment.unique("DOC"), summary: "Raced decision \(UUID().uuidString.prefix(8))")
            let event = try await publisher(redis).publish(change, source: .jira, id: change.changeID)
            let review = try #require(try await review(after: event.id, redis: redis))
            let publisher = publisher(redis)
            let approve = EventPublisher.Outgoing(envelope: try publisher.envelope(ReviewDecisionSubmitted(
                reviewID: review.reviewID, decision: "approved", comment: "", reviewer: "ana"), source: .console))
            let reject = EventPublisher.Outgoing(envelope: try publisher.envelope(ReviewDecisionSubmitted(
                reviewID: review.reviewID, decision: "rejected", comment: "no", reviewer: "bo"), source: .console))
            _ = try await publisher.publish([approve, reject])

            #expect(await handled(Self.decisions, by: approverGroup, redis))
            let published = try await publishedSoFar(
                DocumentationPublished.self, id: EventID.derived(from: "decided:" + approve.envelope.id),
                on: Topic(source: "kinexus.approval", detailType: "DocumentationPublished").streamKey, redis: redis)
            let rejected = try await publishedSoFar(
                DocumentRejected.self, id: EventID.derived(from: "decided:" + reject.envelope.id),
                on: Topic(source: "kinexus.approval", detailType: "DocumentRejected").streamKey, redis: redis)
            #expect((published != nil) != (rejected != nil), "published: \(published != nil), rejected: \(rejected != nil)")
        }
    }
}
