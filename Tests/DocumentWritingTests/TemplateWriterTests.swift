import DocumentWriting
import KinexusEvents
import Testing

struct TemplateWriterTests {
    let change = ChangeDetected(
        changeID: "c1", origin: "jira", ticketKey: "DOC-7", ticketType: "Story", summary: "Export orders as CSV",
        description: "Shops can download their orders.\n\nThe export streams rows as they are read.",
        labels: ["api-change"], components: ["orders"], acceptanceCriteria: ["Given a shop", "Then the CSV has a header"],
        apiPaths: ["GET /v1/orders/export"], docComments: ["README needs the new flag"], documentationType: "api",
        url: "https://jira.example/browse/DOC-7")

    @Test func aNewDocumentHasEverySectionInOrder() async throws {
        let page = try await TemplateWriter().newDocument(for: change, title: "Export orders as CSV")
        let headings = page.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(headings == ["# Export orders as CSV", "## Overview", "## Purpose", "## Implementation Details", "## Usage",
                             "## Examples", "## Impact", "## Notes"])
        #expect(page.contains("Shops can download their orders."))
        #expect(page.contains("The export streams rows as they are read."))
        #expect(page.contains("- `GET /v1/orders/export`"))
        #expect(page.contains(#"curl -X GET "$BASE_URL/v1/orders/export""#))
        #expect(page.contains("- README needs the new flag"))
        #expect(page.contains("- Source: DOC-7 (https://jira.example/browse/DOC-7)"))
    }

    @Test func anUpdateKeepsTheStructureAndWhatAReviewerAdded() async throws {
        let writer = TemplateWriter()
        var previous = try await writer.newDocument(for: change, title: "Export orders as CSV")
        previous += "\n## FAQ\n\nCan I filter? Not yet.\n"
        var next = change
        next.summary = "Export orders as CSV with filters"
        next.apiPaths = ["GET /v1/orders/export?status={status}"]
        let updated = try await writer.updatedDocument(previous, for: next, title: "Export orders as CSV")
        #expect(updated.contains("## FAQ\n\nCan I filter? Not yet."))
        #expect(updated.contains("GET /v1/orders/export?status={status}"))
        #expect(updated.contains("- Source: DOC-7"))
        #expect(updated.contains("- Updated for DOC-7: Export orders as CSV with filters"))
    }

    @Test func aRevisionRecordsTheFeedbackAndKeepsTheRest() async throws {
        let writer = TemplateWriter()
        let previous = try await writer.newDocument(for: change, title: "Export orders as CSV")
        let revised = try await writer.revisedDocument(previous, feedback: "Mention the row limit.\nAnd the timeout.", reviewer: "ana")
        #expect(revised.hasPrefix(previous.trimmingCharacters(in: .newlines)))
        #expect(revised.contains("## Review feedback\n\n- ana asked:\n  > Mention the row limit.\n  > And the timeout."))
    }
}
