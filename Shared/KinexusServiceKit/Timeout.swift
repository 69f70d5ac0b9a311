import Synchronization

public struct TimedOut: Error, CustomStringConvertible {
    public let after: Duration
    public var description: String { "no answer within \(after)" }
}

/// Runs `operation`, giving up after `limit`: a readiness probe or a request must answer even when a
/// dependency hangs. The operation is cancelled then, but not awaited: a call that does not notice
/// cancellation (a connection pool waiting for a server) cannot hold the answer back.
public func withTimeout<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = Race<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            race.run(Task {
                         do {
                             race.finish(with: .success(try await operation()))
                         } catch {
                             race.finish(with: .failure(error))
                         }
                     },
                     Task {
                         try? await Task.sleep(for: limit)
                         race.finish(with: .failure(TimedOut(after: limit)))
                     })
        }
    } onCancel: {
        race.finish(with: .failure(CancellationError()))
    }
}

/// The first of an operation and its timer to finish answers; the other is cancelled.
private final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var tasks: [Task<Void, Never>] = []
        var outcome: Result<T, any Error>?
    }

    private let state = Mutex(State())

    /// A cancellation can come before the continuation exists: it is answered at once then.
    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let outcome = state.withLock { state in
            if state.outcome == nil { state.continuation = continuation }
            return state.outcome
        }
        if let outcome { continuation.resume(with: outcome) }
    }

    func run(_ operation: Task<Void, Never>, _ timer: Task<Void, Never>) {
        let finished = state.withLock { state in
            state.tasks = [operation, timer]
            return state.outcome != nil
        }
        if finished { operation.cancel(); timer.cancel() }
    }

    func finish(with outcome: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard state.outcome == nil else { return (nil, []) }
            state.outcome = outcome
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        tasks.forEach { $0.cancel() }
        continuation?.resume(with: outcome)
    }
}
