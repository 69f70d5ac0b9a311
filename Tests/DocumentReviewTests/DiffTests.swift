import DocumentReview
import Foundation
import Synchronization
import Testing

struct DiffTests {
    @Test func countsAdditionsDeletionsAndChanges() {
        let diff = LineDiff(from: "# T\nkeep\nold line\ngone\nend", to: "# T\nkeep\nnew line\nend\nextra")
        #expect(diff.lines == [
            .same("# T"), .same("keep"), .changed(from: "old line", to: "new line"), .deleted("gone"), .same("end"),
            .added("extra"),
        ])
        #expect(diff.summary == "1 addition, 1 deletion, 1 change")
    }

    @Test func aNewDocumentIsAllAdditions() {
        let diff = LineDiff(from: "", to: "a\nb")
        #expect(diff.lines == [.added("a"), .added("b")])
        #expect(diff.summary == "2 additions, 0 deletions, 0 changes")
        #expect(LineDiff(from: "same", to: "same").summary == "0 additions, 0 deletions, 0 changes")
    }

    @Test func imagesAreSortedIntoAddedRemovedUnchanged() {
        let images = ImageChanges(
            from: "![a](a.png)\n![b](b.png \"title\")",
            to: "![a](a.png)\n<img alt=\"c\" src=\"c.png\">")
        #expect(images.added == ["c.png"])
        #expect(images.removed == ["b.png"])
        #expect(images.unchanged == ["a.png"])
    }

    @Test func theDiffPageEscapesEverything() {
        let hostile = "<script>alert('x')</script> & \"quotes\""
        let page = DiffPage.html(title: "<b>title</b>", from: .version(1), toVersion: 2,
                                 diff: LineDiff(from: "safe", to: hostile), images: ImageChanges(from: "", to: "![x](\"><script>.png)"))
        #expect(!page.contains("<script>"))
        #expect(!page.contains("<b>title</b>"))
        #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"))
        #expect(page.contains("class=\"add\""))
        #expect(page.contains("class=\"del\""))
        #expect(page.contains("version 1 → 2: 0 additions, 0 deletions, 1 change"))
    }
}

struct DiffLinkTests {
    let link = DiffLink(secret: "s", baseURL: "http://localhost:8080/", lifetime: 7 * 86_400)

    @Test func aLinkOpensItsOwnReviewUntilItExpires() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let token = try await link.token(reviewID: "r1", now: now)
        #expect(try await link.url(reviewID: "r1", now: now) == "http://localhost:8080/reviews/r1/diff?token=\(token)")
        #expect(try await link.verify(reviewID: "r1", token: token, now: now.addingTimeInterval(6 * 86_400)) == .valid)
        #expect(try await link.verify(reviewID: "r1", token: token, now: now.addingTimeInterval(8 * 86_400)) == .expired)
        #expect(try await link.verify(reviewID: "r2", token: token, now: now) == .invalid)
        #expect(try await link.verify(reviewID: "r1", token: nil, now: now) == .invalid)
        #expect(try await link.verify(reviewID: "r1", token: "9999999999.00", now: now) == .invalid)
        let forged = try await DiffLink(secret: "other", baseURL: "x").token(reviewID: "r1", now: now)
        #expect(try await link.verify(reviewID: "r1", token: forged, now: now) == .invalid)
    }

    /// A token signed with the right key but an expiry far beyond the lifetime (the year 5138) opens nothing.
    @Test func noTokenOutlivesTheLifetime() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let forever = try await DiffLink(secret: "s", baseURL: "x", lifetime: 100_000_000_000).token(reviewID: "r1", now: now)
        #expect(try await link.verify(reviewID: "r1", token: forever, now: now) == .invalid)
    }

    @Test func aSecretReadWhenFirstNeededIsReadOnce() async throws {
        let reads = Mutex(0)
        let shared = DiffLink(environment: [:]) {
            reads.withLock { $0 += 1 }
            return "from-redis"
        }
        let token = try await shared.token(reviewID: "r1")
        #expect(try await shared.verify(reviewID: "r1", token: token) == .valid)
        #expect(try await DiffLink(secret: "from-redis", baseURL: "x").verify(reviewID: "r1", token: token) == .valid)
        #expect(reads.withLock { $0 } == 1)
        let configured = DiffLink(environment: ["KINEXUS_LINK_SECRET": "set"]) { Issue.record("read"); return "" }
        #expect(try await DiffLink(secret: "set", baseURL: "x").verify(
            reviewID: "r1", token: try await configured.token(reviewID: "r1")) == .valid)
    }
}
