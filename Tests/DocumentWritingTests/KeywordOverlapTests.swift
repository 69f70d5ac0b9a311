import DocumentWriting
import Testing

struct KeywordOverlapTests {
    let pages = [
        RelatedPage(title: "Public API rate limits", markdown: "# Public API rate limits\n"),
        RelatedPage(title: "Billing API", markdown: "# Billing API\n"),
        RelatedPage(title: "Summary of E2E-100001", markdown: "# Summary of E2E-100001\n"),
    ]

    @Test("a change about the same subject updates the page, whatever the word order")
    func sameSubject() {
        #expect(KeywordOverlap.choose(for: "Rate limits for the public API", components: [], among: pages)?.title
            == "Public API rate limits")
    }

    @Test("one shared word, or most but not three quarters of a title, is not enough")
    func unrelated() {
        #expect(KeywordOverlap.choose(for: "Export orders through the API", components: [], among: pages) == nil)
        #expect(KeywordOverlap.choose(for: "Summary of E2E-100002", components: [], among: pages) == nil)
        #expect(KeywordOverlap.choose(for: "Anything", components: [], among: []) == nil)
    }

    @Test("components count as the change's words")
    func components() {
        #expect(KeywordOverlap.choose(for: "Invoices can be exported", components: ["billing", "api"], among: pages)?.title
            == "Billing API")
    }

    @Test("keywords ignore case, punctuation, short words and filler")
    func keywords() {
        #expect(KeywordOverlap.keywords("Add the new CSV export, for v2 of the API!") == ["csv", "export", "api"])
    }
}
