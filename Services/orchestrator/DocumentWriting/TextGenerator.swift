import KinexusEvents

/// Writes documentation for a change: the template writer by default, an LLM when one is configured.
public protocol TextGenerator: Sendable {
    /// A new document: Overview, Purpose, Implementation Details, Usage, Examples, Impact, Notes.
    func newDocument(for change: ChangeDetected, title: String) async throws -> String
    /// The next version of `previous` for a further change of the same ticket: minimal edits that keep the
    /// page's structure.
    func updatedDocument(_ previous: String, for change: ChangeDetected, title: String) async throws -> String
    /// The next version of `previous`, answering a reviewer's feedback.
    func revisedDocument(_ previous: String, feedback: String, reviewer: String) async throws -> String
    /// A knowledge gap's article: its question answered from the answers agents recorded, citing the tickets
    /// it draws on in a Sources section; `previous` is the article as published when the gap reopened.
    func article(for request: KnowledgeArticleRequested, previous: String?) async throws -> String
    /// The page among `candidates` that the change should update, or nil to write a new page.
    func relatedPage(for change: ChangeDetected, among candidates: [RelatedPage]) async throws -> RelatedPage?
}
