import Synchronization

/// The deliveries this replica is handling now: the concurrency bound, and the leases to keep extending.
final class InFlightDeliveries: Sendable {
    struct Lease: Sendable, Hashable {
        let stream: String
        let entryID: String
        /// The done-marker key and this delivery's token in it; nil for directed (redriven) copies.
        let marker: String?
        let token: String
    }

    private let leases = Mutex<Set<Lease>>([])
    private let slotFreed: AsyncStream<Void>.Continuation
    let slotSignals: AsyncStream<Void>

    init() {
        (slotSignals, slotFreed) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    var count: Int { leases.withLock { $0.count } }

    var all: [Lease] { leases.withLock { Array($0) } }

    func contains(stream: String, entryID: String) -> Bool {
        leases.withLock { $0.contains { $0.stream == stream && $0.entryID == entryID } }
    }

    func begin(_ lease: Lease) {
        _ = leases.withLock { $0.insert(lease) }
    }

    func end(_ lease: Lease) {
        _ = leases.withLock { $0.remove(lease) }
        slotFreed.yield()
    }

    /// Wakes a loop waiting for a free slot, as shutdown does.
    func wake() {
        slotFreed.yield()
    }
}
