import Foundation

/// Whole seconds from one date to a later one: 0 when it is not later (or either is not a date), and at most a
/// century, so no conversion traps whatever a row holds.
func wholeSeconds(from start: Date, to end: Date) -> Int {
    let seconds = end.timeIntervalSince(start).rounded(.down)
    guard seconds > 0 else { return 0 }
    return Int(exactly: min(seconds, 3_153_600_000)) ?? 0
}

/// How long something has waited, as a person says it: "just now", "12 min", "3 h", "2 days".
func waited(since date: Date, now: Date = .now) -> String {
    let seconds = wholeSeconds(from: date, to: now)
    switch seconds {
    case ..<60: return "just now"
    case ..<3600: return "\(seconds / 60) min"
    case ..<172_800: return "\(seconds / 3600) h"
    default: return "\(seconds / 86_400) days"
    }
}

/// How long something took: "4 s", "3 min 12 s", "2 h 5 min".
func elapsed(from start: Date, to end: Date) -> String {
    let seconds = wholeSeconds(from: start, to: end)
    switch seconds {
    case ..<60: return "\(seconds) s"
    case ..<3600: return "\(seconds / 60) min \(seconds % 60) s"
    default: return "\(seconds / 3600) h \(seconds % 3600 / 60) min"
    }
}

/// A timestamp shown in the console: UTC, to the minute ("2026-12-01 18:39 UTC").
func shown(_ date: Date) -> String {
    date.ISO8601Format().prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC"
}
