import Foundation
import SupportRules
import Testing

/// When a ticket is a knowledge gap's, and which gap it joins.
struct KnowledgeGapRulesTests {
    @Test func aTicketIsUnansweredWhenItsBestHitStaysBelowTheGapScore() {
        #expect(KnowledgeGapRules.isUnanswered(bestRelevance: 0.2, gapScore: 0.24))
        #expect(KnowledgeGapRules.isUnanswered(bestRelevance: nil, gapScore: 0.24))
        #expect(!KnowledgeGapRules.isUnanswered(bestRelevance: 0.24, gapScore: 0.24))
    }

    @Test func everySuggestionMustBeRatedUnhelpfulAndNoneHelpful() {
        let suggested = ["refunds.md", "shipping.md"]
        #expect(KnowledgeGapRules.everySuggestionRatedUnhelpful(
            suggested: suggested, ratings: [("refunds.md", false), ("shipping.md", false)]))
        #expect(!KnowledgeGapRules.everySuggestionRatedUnhelpful(suggested: suggested, ratings: [("refunds.md", false)]))
        #expect(KnowledgeGapRules.everySuggestionRatedUnhelpful(suggested: suggested, ratings: [(nil, false)]))
        #expect(!KnowledgeGapRules.everySuggestionRatedUnhelpful(suggested: suggested, ratings: [(nil, false), ("shipping.md", true)]))
        #expect(!KnowledgeGapRules.everySuggestionRatedUnhelpful(suggested: [], ratings: [(nil, false)]))
        #expect(!KnowledgeGapRules.everySuggestionRatedUnhelpful(suggested: suggested, ratings: []))
    }

    @Test func aTicketJoinsTheNearestGapOnlyWhenAlikeEnough() {
        let gap = UUID()
        #expect(KnowledgeGapRules.placement(nearest: (gap, 0.31), bound: 0.3) == .join(gap))
        #expect(KnowledgeGapRules.placement(nearest: (gap, 0.29), bound: 0.3) == .open)
        #expect(KnowledgeGapRules.placement(nearest: nil, bound: 0.3) == .open)
        #expect(KnowledgeGapRules.placement(nearest: (gap, .nan), bound: 0.3) == .open)
    }
}
