import Synchronization

/// The entries this replica has taken on, from the moment they are read until they are settled (the
/// concurrency bound, and what the retry scan must not claim a second time), and the leases of handlers
/// running now (extended until they finish).
final class InFlightDeliveries: Sendable {
    struct Entry: Hashable, Sendable {
        let stream: String
        let entryID: String
    }

    struct Lease: Sendable {
        let stream: String
        let entryID: String
        /// The marker key and this delivery's token in it; nil for directed (redriven) copies.
        let marker: String?
        let token: String
    }

    private struct State {
        var taken: Set<Entry> = []
        var leases: [Int: Lease] = [:]
        var nextKey = 0
    }

    private let state = Mutex(State())
    private let slotFreed: AsyncStream<Void>.Continuation
    let slotSignals: AsyncStream<Void>

    init() {
        (slotSignals, slotFreed) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Entries read and not yet settled.
    var reserved: Int { state.withLock { $0.taken.count } }

    var leaseCount: Int { state.withLock { $0.leases.count } }

    var leases: [Lease] { state.withLock { Array($0.leases.values) } }

    /// Whether the entry was read here and is not settled yet: between the read and the handler's start
    /// its event id is being claimed, and a second delivery then would run the handler twice.
    func isTaken(_ entry: Entry) -> Bool {
        state.withLock { $0.taken.contains(entry) }
    }

    func take(_ entries: [Entry]) {
        state.withLock { $0.taken.formUnion(entries) }
    }

    /// Frees the slot of an entry that is settled, handled or not.
    func release(_ entry: Entry) {
        state.withLock { _ = $0.taken.remove(entry) }
        slotFreed.yield()
    }

    /// Registers a running handler's lease; answers the key that `end` takes.
    func begin(_ lease: Lease) -> Int {
        state.withLock { state in
            state.nextKey += 1
            state.leases[state.nextKey] = lease
            return state.nextKey
        }
    }

    func end(_ key: Int) {
        _ = state.withLock { $0.leases.removeValue(forKey: key) }
    }

    /// Wakes a loop waiting for a free slot, as shutdown does.
    func wake() {
        slotFreed.yield()
    }
}
