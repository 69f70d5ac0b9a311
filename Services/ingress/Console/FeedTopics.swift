import KinexusJSON

/// What a fact on the bus changes in the console, as the names live pages follow (`data-live`): the review
/// queue, a review, a document's reviews, the tasks, a task, the tickets, a ticket, the knowledge page, the
/// knowledge gaps and a gap.
enum FeedTopics {
    /// The events the console follows.
    static let detailTypes: Set<String> = [
        "ReviewRequested", "ReviewDecisionSubmitted", "RevisionRequested", "DocumentationPublished", "DocumentRejected",
        "CodegenRequested", "CodegenStarted", "CodegenProgressed", "CodegenCompleted", "CodegenFailed", "CodegenFeedbackSubmitted",
        "CodegenIterationRequested", "CodegenIterationFinished", "TicketReceived", "TicketContextReady", "TicketResolved",
        "KbSyncCompleted", "KnowledgeArticleRequested", "KnowledgeGapDraftRequested", "DocumentGenerated",
    ]

    static func topics(detailType: String, detail: JSONValue) -> [String] {
        func named(_ prefix: String, _ field: String) -> [String] {
            detail[field]?.stringValue.map { ["\(prefix):\($0)"] } ?? []
        }
        switch detailType {
        case "ReviewRequested":
            return ["reviews"] + named("review", "review_id") + named("document", "document_id")
        case "ReviewDecisionSubmitted":
            return ["reviews"] + named("review", "review_id")
        case "RevisionRequested", "DocumentationPublished", "DocumentRejected":
            return ["pages"] + named("document", "document_id") + named("review", "review_id")
        case "CodegenProgressed", "CodegenFeedbackSubmitted", "CodegenIterationRequested":
            return named("task", "task_id")
        case "CodegenIterationFinished":
            return ["tasks"] + named("task", "task_id")
        case "CodegenRequested", "CodegenStarted", "CodegenCompleted", "CodegenFailed":
            return ["tasks"] + named("task", "task_id")
        case "TicketReceived", "TicketResolved":
            return ["tickets"] + named("ticket", "ticket_id")
        case "TicketContextReady":
            // Published once the ticket was placed in a knowledge gap, if it was.
            return ["tickets", "gaps"] + named("ticket", "ticket_id")
        case "KnowledgeArticleRequested", "KnowledgeGapDraftRequested":
            return ["gaps"] + named("gap", "gap_id")
        case "DocumentGenerated":
            return detail["origin"]?.stringValue == "knowledge_gap" ? ["gaps"] + named("gap", "ticket_key") : []
        case "KbSyncCompleted":
            return ["knowledge"]
        default:
            return []
        }
    }
}
