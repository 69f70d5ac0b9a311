import Synchronization

/// The entries this replica has taken on, from the moment they are read until they are settled (the
/// concurrency bound), those whose ack is queued but not written (pending in Redis still: with the others,
/// what the retry scan must not claim a second time), and the leases of deliveries whose handler runs or whose
/// ack is not written yet (extended until then).
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
        var unacked: Set<Entry> = []
        var leases: [Int: Lease] = [:]
        var nextKey = 0
    }

    private let state = Mutex(State())
    private let slotFreed: AsyncStream<Void>.Continuation
    let slotSignals: AsyncStream<Void>

    init() {
        (slotSignals, slotFreed) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Entries read and not yet settled or queued for their ack: the slots in use.
    var reserved: Int { state.withLock { $0.taken.count } }

    var leaseCount: Int { state.withLock { $0.leases.count } }

    var leases: [Lease] { state.withLock { Array($0.leases.values) } }

    /// Whether the entry was read here and is not settled yet: between the read and the handler's start its
    /// event id is being claimed, and between the handler's end and the ack's write it is still pending in
    /// Redis; a second delivery then would run the handler twice.
    func isTaken(_ entry: Entry) -> Bool {
        state.withLock { $0.taken.contains(entry) || $0.unacked.contains(entry) }
    }

    func take(_ entries: [Entry]) {
        state.withLock { $0.taken.formUnion(entries) }
    }

    /// Frees the slot of an entry that is settled, handled or not.
    func release(_ entry: Entry) {
        state.withLock { _ = $0.taken.remove(entry) }
        slotFreed.yield()
    }

    /// Frees the slot of an entry whose ack is queued; it stays taken until `acked`. Holding the slot until
    /// the write would make reads wait on acks (measured in BENCHMARKS.md, "A handled delivery keeps its
    /// lease until its ack is written").
    func ackQueued(_ entry: Entry) {
        state.withLock { state in
            state.taken.remove(entry)
            state.unacked.insert(entry)
        }
        slotFreed.yield()
    }

    func acked(_ entry: Entry) {
        _ = state.withLock { $0.unacked.remove(entry) }
    }

    /// Registers a delivery's lease as its handler starts; answers the key that `end` takes.
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
