import Synchronization

/// The entries this replica has taken on: slots reserved when a batch is read (the concurrency bound), and
/// the leases of handlers running now (extended until they finish).
final class InFlightDeliveries: Sendable {
    struct Lease: Sendable {
        let stream: String
        let entryID: String
        /// The done-marker key and this delivery's token in it; nil for directed (redriven) copies.
        let marker: String?
        let token: String
    }

    private struct State {
        var reserved = 0
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
    var reserved: Int { state.withLock { $0.reserved } }

    var leaseCount: Int { state.withLock { $0.leases.count } }

    var leases: [Lease] { state.withLock { Array($0.leases.values) } }

    func isRunning(stream: String, entryID: String) -> Bool {
        state.withLock { $0.leases.values.contains { $0.entryID == entryID && $0.stream == stream } }
    }

    func reserve(_ count: Int) {
        state.withLock { $0.reserved += count }
    }

    /// Frees the slot of an entry that is settled, handled or not.
    func release() {
        state.withLock { $0.reserved -= 1 }
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
