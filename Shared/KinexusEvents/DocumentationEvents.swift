public struct ChangeDetected: EventDetail {
    public static let detailType = "ChangeDetected"
    public var changeID: String
    /// `jira` or `github`.
    public var origin: String
    public var ticketKey: String
    public var ticketType: String
    public var summary: String
    public var description: String
    public var priority: String?
    public var labels: [String]
    public var components: [String]
    public var fixVersions: [String]
    public var storyPoints: Double?
    public var acceptanceCriteria: [String]
    public var apiPaths: [String]
    public var docComments: [String]
    /// `api`, `feature`, `breaking-change` or `general`.
    public var documentationType: String
    public var url: String?

    public init(
        changeID: String, origin: String, ticketKey: String, ticketType: String, summary: String,
        description: String, priority: String? = nil, labels: [String] = [], components: [String] = [],
        fixVersions: [String] = [], storyPoints: Double? = nil, acceptanceCriteria: [String] = [],
        apiPaths: [String] = [], docComments: [String] = [], documentationType: String = "general",
        url: String? = nil
    ) {
        self.changeID = changeID
        self.origin = origin
        self.ticketKey = ticketKey
        self.ticketType = ticketType
        self.summary = summary
        self.description = description
        self.priority = priority
        self.labels = labels
        self.components = components
        self.fixVersions = fixVersions
        self.storyPoints = storyPoints
        self.acceptanceCriteria = acceptanceCriteria
        self.apiPaths = apiPaths
        self.docComments = docComments
        self.documentationType = documentationType
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case changeID = "change_id", origin, ticketKey = "ticket_key", ticketType = "ticket_type", summary
        case description, priority, labels, components, fixVersions = "fix_versions"
        case storyPoints = "story_points", acceptanceCriteria = "acceptance_criteria", apiPaths = "api_paths"
        case docComments = "doc_comments", documentationType = "documentation_type", url
    }
}

public struct DocumentGenerated: EventDetail {
    public static let detailType = "DocumentGenerated"
    public var documentID: String
    public var version: Int
    /// The change that led to this version; nil for a revision asked for by a reviewer.
    public var changeID: String?
    public var title: String
    public var ticketKey: String?
    /// What the document is written from: `jira` or `github` for a change, `knowledge_gap` for a knowledge
    /// article (its ticket key the gap's id); nil in events of versions before it was carried.
    public var origin: String?

    public init(documentID: String, version: Int, changeID: String?, title: String, ticketKey: String? = nil, origin: String? = nil) {
        self.documentID = documentID
        self.version = version
        self.changeID = changeID
        self.title = title
        self.ticketKey = ticketKey
        self.origin = origin
    }

    enum CodingKeys: String, CodingKey {
        case documentID = "document_id", version, changeID = "change_id", title, ticketKey = "ticket_key", origin
    }
}

public struct ReviewRequested: EventDetail {
    public static let detailType = "ReviewRequested"
    public var reviewID: String
    public var documentID: String
    public var version: Int
    public var ticketKey: String?
    public var diffURL: String
    public var summary: String
    /// The Jira ticket the review is done on, when Jira is configured.
    public var reviewTicketKey: String?

    public init(
        reviewID: String, documentID: String, version: Int, ticketKey: String? = nil, diffURL: String,
        summary: String, reviewTicketKey: String? = nil
    ) {
        self.reviewID = reviewID
        self.documentID = documentID
        self.version = version
        self.ticketKey = ticketKey
        self.diffURL = diffURL
        self.summary = summary
        self.reviewTicketKey = reviewTicketKey
    }

    enum CodingKeys: String, CodingKey {
        case reviewID = "review_id", documentID = "document_id", version, ticketKey = "ticket_key"
        case diffURL = "diff_url", summary, reviewTicketKey = "review_ticket_key"
    }
}

public struct ReviewDecisionSubmitted: EventDetail {
    public static let detailType = "ReviewDecisionSubmitted"
    public var reviewID: String?
    /// The review ticket the decision was written on, when it came from Jira.
    public var ticketKey: String?
    /// `approved`, `rejected` or `needs_revision` from the API; nil when the approver reads it from `comment`.
    public var decision: String?
    public var comment: String
    public var reviewer: String

    public init(reviewID: String?, ticketKey: String? = nil, decision: String?, comment: String, reviewer: String) {
        self.reviewID = reviewID
        self.ticketKey = ticketKey
        self.decision = decision
        self.comment = comment
        self.reviewer = reviewer
    }

    enum CodingKeys: String, CodingKey {
        case reviewID = "review_id", ticketKey = "ticket_key", decision, comment, reviewer
    }
}

public struct RevisionRequested: EventDetail {
    public static let detailType = "RevisionRequested"
    public var documentID: String
    public var reviewID: String
    public var feedback: String
    public var reviewer: String

    public init(documentID: String, reviewID: String, feedback: String, reviewer: String) {
        self.documentID = documentID
        self.reviewID = reviewID
        self.feedback = feedback
        self.reviewer = reviewer
    }

    enum CodingKeys: String, CodingKey {
        case documentID = "document_id", reviewID = "review_id", feedback, reviewer
    }
}

public struct DocumentationPublished: EventDetail {
    public static let detailType = "DocumentationPublished"
    public var documentID: String
    public var version: Int
    public var title: String
    public var pageID: String
    public var pageURL: String

    public init(documentID: String, version: Int, title: String, pageID: String, pageURL: String) {
        self.documentID = documentID
        self.version = version
        self.title = title
        self.pageID = pageID
        self.pageURL = pageURL
    }

    enum CodingKeys: String, CodingKey {
        case documentID = "document_id", version, title, pageID = "page_id", pageURL = "page_url"
    }
}

public struct DocumentRejected: EventDetail {
    public static let detailType = "DocumentRejected"
    public var documentID: String
    public var reviewID: String
    public var reason: String
    public var reviewer: String

    public init(documentID: String, reviewID: String, reason: String, reviewer: String) {
        self.documentID = documentID
        self.reviewID = reviewID
        self.reason = reason
        self.reviewer = reviewer
    }

    enum CodingKeys: String, CodingKey {
        case documentID = "document_id", reviewID = "review_id", reason, reviewer
    }
}
