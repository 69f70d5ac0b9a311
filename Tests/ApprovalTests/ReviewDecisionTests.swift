@testable import ApprovalRules
import Testing

struct ReviewDecisionTests {
    @Test(arguments: [
        ("Approved", ReviewDecision.approved), ("approve", .approved), ("LGTM!", .approved), ("✅ nice", .approved),
        ("Ship it.", .approved), ("Not approved", .rejected), ("not approved: wrong numbers", .rejected),
        ("Rejected", .rejected), ("❌", .rejected), ("needs work on the examples", .rejected),
        ("Needs revision: add paging", .needsRevision), ("Request changes", .needsRevision),
        ("please update the title", .needsRevision), ("Please fix typos", .needsRevision),
    ])
    func commentsStateDecisionsAtTheirStart(comment: String, decision: ReviewDecision) {
        #expect(ReviewDecision.read(comment: comment) == decision)
    }

    @Test(arguments: ["I have not approved this", "approvedly", "Looks fine to me", "", "is this approved?", "lgtmx"])
    func anythingElseStatesNoDecision(comment: String) {
        #expect(ReviewDecision.read(comment: comment) == nil)
    }

    @Test func slugsAreReadableAndSafe() {
        #expect(slug("Export orders as CSV") == "export-orders-as-csv")
        #expect(slug("Überblick: API v2 — <script>") == "uberblick-api-v2-script")
        #expect(slug("!!!") == "page")
    }
}
