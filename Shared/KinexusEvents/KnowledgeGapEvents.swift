/// An agent asked, from the console or the API, for an article answering a knowledge gap's question.
public struct KnowledgeGapDraftRequested: EventDetail {
    public static let detailType = "KnowledgeGapDraftRequested"
    public var gapID: String
    public var requestedBy: String

    public init(gapID: String, requestedBy: String) {
        self.gapID = gapID
        self.requestedBy = requestedBy
    }

    enum CodingKeys: String, CodingKey {
        case gapID = "gap_id", requestedBy = "requested_by"
    }
}

/// A knowledge gap's article is to be written: its question, the tickets that asked it and the answers
/// agents recorded, for the orchestrator to write from and cite. `draft` counts the gap's drafts: a gap
/// that reopens after its article was published asks again, and the article's next version answers.
public struct KnowledgeArticleRequested: EventDetail {
    public static let detailType = "KnowledgeArticleRequested"
    /// The document origin of knowledge articles; the gap id is their ticket key.
    public static let documentOrigin = "knowledge_gap"

    public struct Ticket: Codable, Sendable, Equatable {
        public var ticketID: String
        public var subject: String
        public var description: String
        public var customerTier: String?
        /// The answer an agent recorded for it, if any.
        public var answer: String?

        public init(ticketID: String, subject: String, description: String, customerTier: String?, answer: String?) {
            self.ticketID = ticketID
            self.subject = subject
            self.description = description
            self.customerTier = customerTier
            self.answer = answer
        }

        enum CodingKeys: String, CodingKey {
            case ticketID = "ticket_id", subject, description, customerTier = "customer_tier", answer
        }
    }

    public var gapID: String
    public var draft: Int
    /// The subject of the ticket that opened the gap: the article's title.
    public var question: String
    public var tickets: [Ticket]
    /// `threshold` when the gap grew enough, else the agent who asked.
    public var requestedBy: String

    public init(gapID: String, draft: Int, question: String, tickets: [Ticket], requestedBy: String) {
        self.gapID = gapID
        self.draft = draft
        self.question = question
        self.tickets = tickets
        self.requestedBy = requestedBy
    }

    enum CodingKeys: String, CodingKey {
        case gapID = "gap_id", draft, question, tickets, requestedBy = "requested_by"
    }
}
