import Foundation

/// The original copilot's churn score: points for poor sentiment and for silence, one more for an
/// enterprise customer already at risk; high from 4 points, medium from 2.
public enum ChurnRisk: String, Sendable, Codable, Equatable {
    case low, medium, high

    public static func assess(averageSentiment: Double?, lastInteraction: Date?, tier: String?, now: Date) -> ChurnRisk {
        risk(points: points(averageSentiment: averageSentiment, lastInteraction: lastInteraction, tier: tier, now: now))
    }

    public static func points(averageSentiment: Double?, lastInteraction: Date?, tier: String?, now: Date) -> Int {
        var points = 0
        if let sentiment = averageSentiment {
            if sentiment < -0.3 { points += 3 } else if sentiment < 0 { points += 1 }
        }
        if let lastInteraction {
            let days = now.timeIntervalSince(lastInteraction) / 86_400
            if days > 60 { points += 3 } else if days > 30 { points += 1 }
        } else {
            points += 2
        }
        if points > 0, tier?.lowercased() == "enterprise" { points += 1 }
        return points
    }

    public static func risk(points: Int) -> ChurnRisk {
        points >= 4 ? .high : points >= 2 ? .medium : .low
    }
}
