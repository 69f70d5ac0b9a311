import Foundation

/// A review: which version of which document, whether it still stands (its version is the document's
/// latest and undecided), and its decision.
public struct ReviewRecord: Encodable, Sendable {
    public let reviewID: String
    public let documentID: String
    public let version: Int
    public let title: String
    public let ticketKey: String?
    /// The Jira ticket the review is done on, when Jira is configured.
    public let reviewTicketKey: String?
    public let summary: String
    public let createdAt: Date
    public let underReview: Bool
    public let decision: String?

    enum CodingKeys: String, CodingKey {
        case reviewID = "review_id", documentID = "document_id", version, title, ticketKey = "ticket_key"
        case reviewTicketKey = "review_ticket_key", summary, createdAt = "created_at", underReview = "under_review", decision
    }
}

/// A decision that stands on one version of a document.
public struct RecordedDecision: Sendable {
    public let reviewID: String
    public let version: Int
    public let decision: String
    public let comment: String
    public let reviewer: String
    public let decidedAt: Date
}

/// What followed a decision: the page approval published, or the review of the revised version.
public struct Aftermath: Sendable {
    /// Where the version was published, and the page's slug when the built-in page store holds it.
    public var publication: (url: String, slug: String?)?
    public var revisionReviewID: String?
}
