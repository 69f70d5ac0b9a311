import Foundation
import Hummingbird

/// What became of one submitted decision. The approver records the first decision on a review; a later
/// one, or one on a version that is no longer under review, changes nothing: it is superseded, and the
/// decision that stands says by what.
struct DecisionOutcome: ResponseEncodable, Sendable {
    enum Status: String, Encodable, Sendable {
        /// Not handled yet.
        case pending
        case applied
        case superseded
    }

    struct Standing: Encodable, Sendable {
        let decision: String
        let reviewer: String
        let eventID: String
        let decidedAt: Date

        enum CodingKeys: String, CodingKey { case decision, reviewer, eventID = "event_id", decidedAt = "decided_at" }
    }

    let reviewID: String
    let eventID: String
    let status: Status
    let decisionThatStands: Standing?
    /// Set when the outcome is answered as a refusal (409): the error body's fields beside the outcome.
    var error: String?
    var code: String?

    init(reviewID: String, eventID: String, standing: Standing?, reviewIsLatest: Bool) {
        self.reviewID = reviewID
        self.eventID = eventID
        decisionThatStands = standing
        status = if let standing {
            standing.eventID == eventID ? .applied : .superseded
        } else {
            reviewIsLatest ? .pending : .superseded
        }
    }

    enum CodingKeys: String, CodingKey {
        case reviewID = "review_id", eventID = "event_id", status, decisionThatStands = "decision_that_stands", error, code
    }
}
