/// Exponential backoff with jitter for redeliveries. The jitter is derived from the entry id and attempt,
/// so every scan of the pending-entries list computes the same due time for the same entry.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int, baseDelay: Duration, maxDelay: Duration) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The delay after the `attempt`-th failed delivery: half the exponential step plus up to another half.
    public func delay(afterAttempt attempt: Int, entryID: String) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let step = min(baseDelay * (1 << exponent), maxDelay)
        return step / 2 + step / 2 * jitter(entryID: entryID, attempt: attempt)
    }

    /// Whether an entry that has been delivered `deliveries` times has no attempt left.
    public func isExhausted(deliveries: Int) -> Bool {
        deliveries >= maxAttempts
    }

    /// A fraction in [0, 1) from FNV-1a over the entry id and attempt.
    private func jitter(entryID: String, attempt: Int) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in entryID.utf8 + [UInt8(truncatingIfNeeded: attempt)] {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Double(hash % 10_000) / 10_000
    }
}
