public struct TicketReceived: EventDetail {
    public static let detailType = "TicketReceived"
    public var ticketID: String
    public var externalTicketID: String?
    public var customerExternalID: String
    public var subject: String
    public var description: String
    public var channel: String
    public var priority: String
    public var metadata: [String: String]
    public var createdAt: String

    public init(
        ticketID: String, externalTicketID: String? = nil, customerExternalID: String, subject: String,
        description: String, channel: String, priority: String = "medium", metadata: [String: String] = [:],
        createdAt: String
    ) {
        self.ticketID = ticketID
        self.externalTicketID = externalTicketID
        self.customerExternalID = customerExternalID
        self.subject = subject
        self.description = description
        self.channel = channel
        self.priority = priority
        self.metadata = metadata
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case ticketID = "ticket_id", externalTicketID = "external_ticket_id"
        case customerExternalID = "customer_external_id", subject, description, channel, priority, metadata
        case createdAt = "created_at"
    }
}

/// An agent recorded how a ticket was answered: the answer given to the customer, and who gave it. The
/// latest resolution of a ticket stands.
public struct TicketResolved: EventDetail {
    public static let detailType = "TicketResolved"
    public var ticketID: String
    public var answer: String
    public var resolvedBy: String

    public init(ticketID: String, answer: String, resolvedBy: String) {
        self.ticketID = ticketID
        self.answer = answer
        self.resolvedBy = resolvedBy
    }

    enum CodingKeys: String, CodingKey {
        case ticketID = "ticket_id", answer, resolvedBy = "resolved_by"
    }
}

public struct TicketFeedbackSubmitted: EventDetail {
    public static let detailType = "TicketFeedbackSubmitted"
    public var ticketID: String
    public var rating: Int
    public var helpful: Bool
    public var comment: String?
    public var suggestionSource: String?

    public init(ticketID: String, rating: Int, helpful: Bool, comment: String? = nil, suggestionSource: String? = nil) {
        self.ticketID = ticketID
        self.rating = rating
        self.helpful = helpful
        self.comment = comment
        self.suggestionSource = suggestionSource
    }

    enum CodingKeys: String, CodingKey {
        case ticketID = "ticket_id", rating, helpful, comment, suggestionSource = "suggestion_source"
    }
}

public struct TicketContextReady: EventDetail {
    public static let detailType = "TicketContextReady"
    public var ticketID: String
    public var customerExternalID: String
    public var churnRisk: String?
    public var suggestionCount: Int
    public var processingTimeMs: Int

    public init(
        ticketID: String, customerExternalID: String, churnRisk: String?, suggestionCount: Int,
        processingTimeMs: Int
    ) {
        self.ticketID = ticketID
        self.customerExternalID = customerExternalID
        self.churnRisk = churnRisk
        self.suggestionCount = suggestionCount
        self.processingTimeMs = processingTimeMs
    }

    enum CodingKeys: String, CodingKey {
        case ticketID = "ticket_id", customerExternalID = "customer_external_id", churnRisk = "churn_risk"
        case suggestionCount = "suggestion_count", processingTimeMs = "processing_time_ms"
    }
}
