import Foundation
import HTTPTypes
import KinexusBus
import KinexusEvents
import KinexusRedis
import KinexusServiceKit
import KinexusTestSupport
import Testing

/// Reviews in the console: the queue, the page, and decisions recorded with the signed-in user.
@Suite(.serialized) struct ConsoleReviewTests {
    let harness = ConsoleHarness()

    /// The decisions published for `review`.
    func decisions(on review: UUID, _ redis: RedisClient) async throws -> [ReviewDecisionSubmitted] {
        let stream = Topic(source: "kinexus.console", detailType: "ReviewDecisionSubmitted").streamKey
        let entries = StreamEntry.parseEntries(try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", "1000"), stream: stream)
        return entries.compactMap { try? $0.envelope().decodeDetail(as: ReviewDecisionSubmitted.self) }
            .filter { $0.reviewID == review.uuidString.lowercased() }
    }


    @Test func aReviewersDecisionIsRecordedWithTheirName() async throws {
        try await harness.run { world in
            let review = try await ConsoleHarness.seedReview(world.postgres, title: "Rate limits", logger: harness.logger)
            let (visitor, name) = try await world.signedIn([.reviewer])
            #expect(try await visitor.listed(#"href="/console/reviews/\#(review.uuidString.lowercased())">Rate limits</a>"#,
                                             from: "/console/reviews"))

            let page = try await visitor.get("/console/reviews/\(review.uuidString.lowercased())")
            #expect(page.status == .ok)
            #expect(page.body.contains("<h1>Title</h1>"), "the proposed version rendered as the page will look")
            #expect(page.body.contains(#"<td class="add">New text.</td>"#), "the side-by-side diff")
            for button in ["Approve", "Needs revision", "Reject"] { #expect(page.body.contains(">\(button)</button>")) }

            let decided = try await visitor.post("/console/reviews/\(review.uuidString.lowercased())/decision", [
                ("csrf", page.csrf ?? ""), ("decision", "approved"), ("comment", ""),
            ])
            #expect(decided.status == .seeOther)
            #expect(decided.headers[.location] == "/console/reviews/\(review.uuidString.lowercased())?submitted=1")
            let published = try await decisions(on: review, world.redis)
            #expect(published.count == 1)
            #expect(published.first?.reviewer == name, "the signed-in user is the reviewer, whatever the form says")
            #expect(published.first?.decision == "approved")
            #expect(try await visitor.get(decided.headers[.location] ?? "").body.contains("Your decision was submitted"))
        }
    }

    @Test func aRevisionOrRejectionNeedsAComment() async throws {
        try await harness.run { world in
            let review = try await ConsoleHarness.seedReview(world.postgres, logger: harness.logger)
            let (visitor, _) = try await world.signedIn([.reviewer])
            let path = "/console/reviews/\(review.uuidString.lowercased())"
            let page = try await visitor.get(path)
            let nul = try await visitor.post(path + "/decision", [("csrf", page.csrf ?? ""), ("decision", "needs_revision"), ("comment", "a\0b")])
            #expect(nul.status == .badRequest)
            #expect(nul.body.contains("NUL character"))
            let refused = try await visitor.post(path + "/decision", [("csrf", page.csrf ?? ""), ("decision", "needs_revision"), ("comment", "  ")])
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("Say in the comment what should change"))
            #expect(try await decisions(on: review, world.redis).isEmpty)
            let revised = try await visitor.post(path + "/decision", [
                ("csrf", page.csrf ?? ""), ("decision", "needs_revision"), ("comment", "Add an example."),
            ])
            #expect(revised.status == .seeOther)
            #expect(try await decisions(on: review, world.redis).first?.comment == "Add an example.")
        }
    }

    @Test func aViewerSeesNoDecisionButtonsAndAForgedDecisionIsRefused() async throws {
        try await harness.run { world in
            let review = try await ConsoleHarness.seedReview(world.postgres, logger: harness.logger)
            let (viewer, _) = try await world.signedIn([.viewer])
            let path = "/console/reviews/\(review.uuidString.lowercased())"
            let page = try await viewer.get(path)
            #expect(page.status == .ok)
            #expect(!page.body.contains("Approve</button>"))
            let forged = try await viewer.post(path + "/decision", [("csrf", page.csrf ?? ""), ("decision", "approved")])
            #expect(forged.status == .forbidden)
            #expect(forged.body.contains("reviewer role"))

            let (reviewer, _) = try await world.signedIn([.reviewer])
            let reviewerPage = try await reviewer.get(path)
            #expect(try await reviewer.post(path + "/decision", [("decision", "approved")]).status == .forbidden, "no form token")
            #expect(try await reviewer.post(path + "/decision", [("csrf", page.csrf ?? ""), ("decision", "approved")]).status == .forbidden,
                    "another session's token")
            #expect(try await reviewer.post(path + "/decision", [("csrf", reviewerPage.csrf ?? ""), ("decision", "approved")], origin: nil)
                .status == .forbidden, "no Origin")
            #expect(try await reviewer.post(path + "/decision", [("csrf", reviewerPage.csrf ?? ""), ("decision", "approved")],
                                            origin: "http://evil.example").status == .forbidden, "another origin")
            #expect(try await decisions(on: review, world.redis).isEmpty, "nothing was decided")
        }
    }

    @Test func textFromOutsideIsShownAsText() async throws {
        try await harness.run { world in
            let review = try await ConsoleHarness.seedReview(
                world.postgres, title: "<script>alert(1)</script>", markdown: "# Hi\n\n<img src=x onerror=alert(2)>\n\n<b>bold</b>",
                logger: harness.logger)
            let (visitor, _) = try await world.signedIn([.reviewer])
            #expect(try await visitor.listed("&lt;script&gt;alert(1)&lt;/script&gt;", from: "/console/reviews"))
            for path in ["/console/reviews/\(review.uuidString.lowercased())"] {
                let page = try await visitor.get(path)
                #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path)")
                #expect(!page.body.contains("<script>alert(1)"), "\(path)")
                #expect(!page.body.contains("<img src=x"), "\(path): raw HTML in markdown is not rendered")
                #expect(!page.body.contains("<b>bold</b>"), "\(path)")
            }
        }
    }

    @Test func unknownIdsAnswerANotFoundPage() async throws {
        try await harness.run { world in
            let (visitor, _) = try await world.signedIn([.reviewer])
            for path in ["/console/reviews/not-an-id", "/console/reviews/\(UUID().uuidString)", "/console/pages/no-such-page",
                         "/console/reviews/\(UUID().uuidString)/decision"] {
                let page = path.hasSuffix("/decision")
                    ? try await visitor.post(path, [("csrf", try await visitor.get("/").csrf ?? ""), ("decision", "approved")])
                    : try await visitor.get(path)
                #expect(page.status == .notFound, "\(path)")
                #expect(page.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                #expect(page.body.contains("404 Not Found"), "\(path)")
            }
        }
    }
}
