import SupportRules
import Testing

/// The customer-context cache: bounded by size, by time, least recently used out first.
struct ExpiringLRUCacheTests {
    let start = ContinuousClock.now

    @Test func pastCapacityTheLeastRecentlyUsedGoes() {
        var cache = ExpiringLRUCache<String, Int>(capacity: 3, timeToLive: .seconds(60))
        for (index, key) in ["a", "b", "c"].enumerated() { cache.set(index, for: key, now: start) }
        #expect(cache.value(for: "a", now: start) == 0)  // a is now the most recent
        cache.set(3, for: "d", now: start)               // b, the least recent, goes
        #expect(cache.value(for: "b", now: start) == nil)
        #expect(cache.value(for: "a", now: start) == 0)
        #expect(cache.value(for: "c", now: start) == 2)
        #expect(cache.value(for: "d", now: start) == 3)
        #expect(cache.count == 3)
    }

    @Test func entriesExpireAndAnUpdateRenewsThem() {
        var cache = ExpiringLRUCache<String, Int>(capacity: 10, timeToLive: .seconds(60))
        cache.set(1, for: "a", now: start)
        cache.set(2, for: "b", now: start)
        cache.set(3, for: "b", now: start + .seconds(50))
        #expect(cache.value(for: "a", now: start + .seconds(59)) == 1)
        #expect(cache.value(for: "a", now: start + .seconds(60)) == nil)
        #expect(cache.count == 1)
        #expect(cache.value(for: "b", now: start + .seconds(100)) == 3)
        #expect(cache.value(for: "b", now: start + .seconds(111)) == nil)
    }

    @Test func removedKeysAreGoneAndTheirSlotsReused() {
        var cache = ExpiringLRUCache<Int, Int>(capacity: 2, timeToLive: .seconds(60))
        for round in 0..<1000 {
            cache.set(round, for: round, now: start)
            if round % 3 == 0 { cache.remove(round) }
        }
        // 999 pushed 997 out, then was removed itself.
        #expect(cache.count == 1)
        #expect(cache.value(for: 998, now: start) == 998)
        #expect(cache.value(for: 997, now: start) == nil)
        #expect(cache.value(for: 999, now: start) == nil)
    }
}
