import Foundation
import KnowledgeQueries

/// A knowledge hit as a ticket's suggestions and the knowledge search show it.
struct SuggestionRow {
    let title: String
    let source: String
    let score: String
    let content: String

    init(_ hit: KnowledgeRetriever.Hit) {
        title = hit.metadata.title
        source = hit.source
        score = String(format: "%.2f", hit.score)
        content = hit.content
    }
}
