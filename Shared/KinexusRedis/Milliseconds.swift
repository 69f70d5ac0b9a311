import Foundation

extension Duration {
    /// Whole milliseconds, as Redis takes its times.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension Date {
    /// Whole milliseconds since 1970, as stream ids and sorted-set scores count time: a date read from
    /// outside (an event's time, a `--from`) before 1970 or past what an Int64 holds is clamped, never trapped.
    public var millisecondsSince1970: Int64 {
        let milliseconds = (timeIntervalSince1970 * 1000).rounded(.down)
        guard milliseconds > 0 else { return 0 }
        return Int64(exactly: milliseconds) ?? .max
    }
}
