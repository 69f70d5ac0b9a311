import Foundation

/// How long something has waited, as a person says it: "just now", "12 min", "3 h", "2 days".
func waited(since date: Date, now: Date = .now) -> String {
    let seconds = max(0, now.timeIntervalSince(date))
    switch seconds {
    case ..<60: return "just now"
    case ..<3600: return "\(Int(seconds / 60)) min"
    case ..<172_800: return "\(Int(seconds / 3600)) h"
    default: return "\(Int(min(seconds / 86_400, 1_000_000))) days"
    }
}

/// A timestamp shown in the console: UTC, to the minute ("2026-12-01 18:39 UTC").
func shown(_ date: Date) -> String {
    date.ISO8601Format().prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC"
}
