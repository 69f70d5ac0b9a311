import Foundation

/// Why a ticket counts as unanswered by the knowledge base.
public enum GapReason: String, Sendable, Codable, Equatable {
    /// None of its knowledge hits reached the gap score.
    case lowRelevance = "low_relevance"
    /// An agent rated every suggestion it got as not helpful.
    case ratedUnhelpful = "rated_unhelpful"
}

/// When a ticket is a knowledge gap, and which gap it belongs to.
public enum KnowledgeGapRules {
    /// A ticket whose best knowledge hit, suggested or not, stays below `gapScore`; with no hit at all, too.
    public static func isUnanswered(bestRelevance: Double?, gapScore: Double) -> Bool {
        (bestRelevance ?? 0) < gapScore
    }

    /// Every suggestion the ticket got was rated not helpful and none helpful; a rating that names no
    /// suggestion speaks for all of them.
    public static func everySuggestionRatedUnhelpful(suggested: [String], ratings: [(source: String?, helpful: Bool)]) -> Bool {
        guard !suggested.isEmpty, !ratings.isEmpty, !ratings.contains(where: \.helpful) else { return false }
        if ratings.contains(where: { $0.source == nil }) { return true }
        return Set(suggested).isSubset(of: Set(ratings.compactMap(\.source)))
    }

    public enum Placement: Equatable, Sendable {
        case join(UUID)
        case open
    }

    /// A ticket joins the gap holding the ticket nearest to it when they are at least `bound` alike, else it
    /// opens a gap of its own.
    public static func placement(nearest: (gap: UUID, similarity: Float)?, bound: Float) -> Placement {
        guard let nearest, nearest.similarity.isFinite, nearest.similarity >= bound else { return .open }
        return .join(nearest.gap)
    }

    /// The statuses from which a gap's article may be drafted: no draft of it is under way.
    public static func isDraftable(status: String) -> Bool {
        status == "open" || status == "reopened"
    }

    /// A gap grown enough to draft its article by itself: `minimumTickets` tickets since it opened (or
    /// reopened), from at least two customers, so one customer's repeated ticket does not write an article.
    public static func hasGrownEnough(tickets: Int, customers: Int, minimumTickets: Int) -> Bool {
        tickets >= minimumTickets && customers >= 2
    }
}
