import Foundation

/// A document as the API lists it, with its versions and reviews when one document is asked for.
public struct DocumentSummary: Encodable, Sendable {
    public let documentID: String
    public let origin: String
    public let ticketKey: String
    public let title: String
    public let status: String
    public let currentVersion: Int
    public let updatedAt: Date
    public var versions: [DocumentVersion]?
    public var reviews: [DocumentReviewSummary]?

    enum CodingKeys: String, CodingKey {
        case documentID = "document_id", origin, ticketKey = "ticket_key", title, status
        case currentVersion = "current_version", updatedAt = "updated_at", versions, reviews
    }
}

public struct DocumentVersion: Encodable, Sendable {
    public let version: Int
    public let changeID: String?
    public let feedback: String?
    public let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case version, changeID = "change_id", feedback, createdAt = "created_at"
    }
}

public struct DocumentReviewSummary: Encodable, Sendable {
    public let reviewID: String
    public let version: Int
    public let summary: String
    public let decision: String?

    enum CodingKeys: String, CodingKey {
        case reviewID = "review_id", version, summary, decision
    }
}
