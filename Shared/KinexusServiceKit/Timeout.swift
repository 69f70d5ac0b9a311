import Synchronization

public struct TimedOut: Error, CustomStringConvertible {
    public let after: Duration
    public var description: String { "no answer within \(after)" }
}

/// Runs `operation`, giving up after `limit`: a readiness probe or a request must answer even when a
/// dependency hangs. The operation is cancelled then, but not awaited: a call that does not notice
/// cancellation cannot hold the answer back. Every request runs through here, so no timer is made for
/// each: one watchdog serves them all.
public func withTimeout<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = Race<T>()
    let watch = Watchdog.shared.watch(until: .now + limit) { race.finish(with: .failure(TimedOut(after: limit))) }
    defer { Watchdog.shared.forget(watch) }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            race.run(Task {
                do {
                    race.finish(with: .success(try await operation()))
                } catch {
                    race.finish(with: .failure(error))
                }
            })
        }
    } onCancel: {
        race.finish(with: .failure(CancellationError()))
    }
}

/// The first of an operation and its deadline to come answers; the operation is cancelled if it lost.
private final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var operation: Task<Void, Never>?
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

    func run(_ operation: Task<Void, Never>) {
        let finished = state.withLock { state in
            state.operation = operation
            return state.outcome != nil
        }
        if finished { operation.cancel() }
    }

    func finish(with outcome: Result<T, any Error>) {
        let (continuation, operation) = state.withLock { state -> (CheckedContinuation<T, any Error>?, Task<Void, Never>?) in
            guard state.outcome == nil else { return (nil, nil) }
            state.outcome = outcome
            defer { state.continuation = nil }
            return (state.continuation, state.operation)
        }
        if case .failure = outcome { operation?.cancel() }
        continuation?.resume(with: outcome)
    }
}

/// One loop that fails whatever passed its deadline, checking every few milliseconds while anything is
/// watched and stopping when nothing is.
final class Watchdog: Sendable {
    static let shared = Watchdog()
    static let tick = Duration.milliseconds(20)

    private struct Watched {
        let deadline: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        var watched: [Int: Watched] = [:]
        var next = 0
        var looping = false
    }

    private let state = Mutex(State())

    func watch(until deadline: ContinuousClock.Instant, _ expire: @escaping @Sendable () -> Void) -> Int {
        let (id, start) = state.withLock { state in
            defer { state.next += 1 }
            state.watched[state.next] = Watched(deadline: deadline, expire: expire)
            let start = !state.looping
            state.looping = true
            return (state.next, start)
        }
        if start { Task { await loop() } }
        return id
    }

    func forget(_ id: Int) {
        _ = state.withLock { $0.watched.removeValue(forKey: id) }
    }

    private func loop() async {
        while true {
            try? await Task.sleep(for: Self.tick)
            let now = ContinuousClock.now
            let (due, stop) = state.withLock { state in
                let due = state.watched.filter { $0.value.deadline <= now }
                for id in due.keys { state.watched.removeValue(forKey: id) }
                if state.watched.isEmpty { state.looping = false }
                return (due.values.map(\.expire), state.watched.isEmpty)
            }
            due.forEach { $0() }
            if stop { return }
        }
    }
}
