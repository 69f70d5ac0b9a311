import Foundation
import SupportRules
import Testing

/// The original's churn points, case by case, and the times they are computed from.
struct ChurnRiskTests {
    static let now = Timestamps.parse("2026-11-22T12:00:00Z")!
    static func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }

    @Test(arguments: [
        (nil, nil, "basic", 2, ChurnRisk.medium),            // no interactions at all
        (-0.5, 10.0, "basic", 3, .medium),                    // poor sentiment
        (-0.5, 45.0, "basic", 4, .high),                      // poor sentiment, quiet for a month
        (-0.1, 10.0, "basic", 1, .low),                       // slightly negative
        (-0.3, 10.0, "basic", 1, .low),                       // -0.3 is not below -0.3
        (-0.31, nil, "basic", 5, .high),                      // poor and silent
        (0.4, 70.0, "basic", 3, .medium),                     // silent for two months
        (0.4, 70.0, "enterprise", 4, .high),                  // … and enterprise
        (0.2, 5.0, "enterprise", 0, .low),                    // enterprise without points stays at 0
        (nil, nil, "Enterprise", 3, .medium),                 // tier in any case
        (0.1, 30.0, "basic", 0, .low),                        // 30 days is not more than 30
        (0.1, 30.5, "basic", 1, .low),
        (0.1, 60.5, "pro", 3, .medium),
    ] as [(Double?, Double?, String, Int, ChurnRisk)])
    func points(sentiment: Double?, days: Double?, tier: String, points: Int, risk: ChurnRisk) {
        let last = days.map(Self.daysAgo)
        #expect(ChurnRisk.points(averageSentiment: sentiment, lastInteraction: last, tier: tier, now: Self.now) == points)
        #expect(ChurnRisk.assess(averageSentiment: sentiment, lastInteraction: last, tier: tier, now: Self.now) == risk)
    }

    @Test func timesCarryTheirZone() {
        #expect(Timestamps.parse("2026-11-22T12:00:00+02:00") == Timestamps.parse("2026-11-22T10:00:00Z"))
        #expect(Timestamps.parse("2026-11-22T10:00:00.250Z")?.timeIntervalSince(Timestamps.parse("2026-11-22T10:00:00Z")!) == 0.25)
        #expect(Timestamps.parse("2026-11-22T10:00:00") == nil)
        // 31 days before noon UTC, written in another zone, is still more than 30 days.
        let last = Timestamps.parse("2026-10-22T13:00:00+02:00")!
        #expect(ChurnRisk.points(averageSentiment: 0.5, lastInteraction: last, tier: nil, now: Self.now) == 1)
    }

    @Test func ratingsBecomeSentiments() {
        #expect([1, 2, 3, 4, 5].map(Sentiment.of(rating:)) == [-1, -0.5, 0, 0.5, 1])
        #expect(Sentiment.of(rating: 9) == 1)
        #expect(Sentiment.average([0.5, 0.25, -0.1]) == 0.22)
        #expect(Sentiment.average([]) == nil)
    }
}
