@testable import Console
import Foundation
import Testing

/// Durations as the console says them, whatever dates a row holds.
struct TimeTextTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func durationsReadAsAPersonSaysThem() {
        #expect(waited(since: now.addingTimeInterval(-30), now: now) == "just now")
        #expect(waited(since: now.addingTimeInterval(-720), now: now) == "12 min")
        #expect(waited(since: now.addingTimeInterval(-3 * 3600), now: now) == "3 h")
        #expect(waited(since: now.addingTimeInterval(-5 * 86_400), now: now) == "5 days")
        #expect(elapsed(from: now, to: now.addingTimeInterval(192)) == "3 min 12 s")
        #expect(elapsed(from: now, to: now.addingTimeInterval(7_500)) == "2 h 5 min")
    }

    @Test func datesOutOfAnyRangeNeitherTrapNorGoNegative() {
        #expect(waited(since: .distantFuture, now: now) == "just now")
        #expect(waited(since: .distantPast, now: .distantFuture) == "36500 days")
        #expect(elapsed(from: now, to: Date(timeIntervalSinceReferenceDate: .nan)) == "0 s")
        #expect(elapsed(from: Date(timeIntervalSinceReferenceDate: -.infinity), to: now) == "876000 h 0 min")
        #expect(wholeSeconds(from: now, to: Date(timeIntervalSinceReferenceDate: .infinity)) == 3_153_600_000)
    }
}
