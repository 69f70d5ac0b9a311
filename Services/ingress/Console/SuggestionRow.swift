import Foundation
import KnowledgeQueries

/// A knowledge hit as a ticket's suggestions and the knowledge search show it.
struct SuggestionRow {
    let title: String
    let source: String
    /// Absent on suggestions stored before relevance was measured.
    let relevance: String?
    let content: String

    init(_ hit: KnowledgeRetriever.Hit) {
        title = hit.metadata.title
        source = hit.source
        relevance = hit.relevance.map { String(format: "%.2f", $0) }
        content = hit.content
    }
}
