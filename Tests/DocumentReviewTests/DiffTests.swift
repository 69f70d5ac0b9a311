import DocumentReview
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
        let page = DiffPage.html(title: "<b>title</b>", fromVersion: 1, toVersion: 2,
                                 diff: LineDiff(from: "safe", to: hostile), images: ImageChanges(from: "", to: "![x](\"><script>.png)"))
        #expect(!page.contains("<script>"))
        #expect(!page.contains("<b>title</b>"))
        #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"))
        #expect(page.contains("class=\"add\""))
        #expect(page.contains("class=\"del\""))
        #expect(page.contains("version 1 → 2: 0 additions, 0 deletions, 1 change"))
    }
}
