public struct TimedOut: Error, CustomStringConvertible {
    public let after: Duration
    public var description: String { "no answer within \(after)" }
}

/// Runs `operation`, giving up after `limit`: a readiness probe must answer even when a dependency hangs.
public func withTimeout<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimedOut(after: limit)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
