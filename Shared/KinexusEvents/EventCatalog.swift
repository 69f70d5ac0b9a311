/// The event catalog: one detail type per detail-type of the design. Producers and consumers share these
/// types, so a field renamed on one side fails to compile on the other.
public enum EventCatalog {
    public static let detailTypes: [any EventDetail.Type] = [
        ChangeDetected.self,
        DocumentGenerated.self,
        ReviewRequested.self,
        ReviewDecisionSubmitted.self,
        RevisionRequested.self,
        DocumentationPublished.self,
        DocumentRejected.self,
        CodegenRequested.self,
        CodegenStarted.self,
        CodegenProgressed.self,
        CodegenCompleted.self,
        CodegenFailed.self,
        CodegenFeedbackSubmitted.self,
        CodegenIterationRequested.self,
        CodegenIterationFinished.self,
        TicketReceived.self,
        TicketFeedbackSubmitted.self,
        TicketResolved.self,
        TicketContextReady.self,
        KnowledgeGapDraftRequested.self,
        KnowledgeArticleRequested.self,
        KnowledgeObjectChanged.self,
        KbSyncRequested.self,
        KbSyncCompleted.self,
    ]
}
