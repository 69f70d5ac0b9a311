import Synchronization

/// Turns at a named lock among the tasks of this process, first come first served: of the tasks that want one
/// advisory lock, only the one whose turn it is asks Postgres, and the next goes the moment it is done. Fifty
/// changes to one document on three replicas were fifty pollers of one lock, each sleeping up to 100 ms between
/// tries and taking pool connections from the holder; now they are three.
final class LocalTurns: Sendable {
    static let shared = LocalTurns()

    private struct Queue {
        var waiting: [(ticket: UInt64, turn: CheckedContinuation<Void, any Error>)] = []
    }

    private struct State {
        /// A name is here while a task has its turn; its queue holds those after it.
        var queues: [String: Queue] = [:]
        var nextTicket: UInt64 = 0
        /// Tickets whose task was cancelled before it joined a queue: it must not join one then. (One whose turn had
        /// already come stays here unused: a ticket is never drawn twice.)
        var cancelledEarly: Set<UInt64> = []
    }

    private let state = Mutex(State())

    /// Waits for the turn at `name`; throws `CancellationError` if the task is cancelled first. Every turn taken
    /// must be ended with `end`.
    func take(_ name: String) async throws {
        let ticket = state.withLock { state in
            state.nextTicket &+= 1
            return state.nextTicket
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (turn: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Bool, CancellationError> in
                    if state.cancelledEarly.remove(ticket) != nil { return .failure(CancellationError()) }
                    guard var queue = state.queues[name] else {
                        state.queues[name] = Queue()
                        return .success(true)
                    }
                    queue.waiting.append((ticket, turn))
                    state.queues[name] = queue
                    return .success(false)
                }
                switch outcome {
                case .success(true): turn.resume()
                case .success(false): break
                case .failure(let cancelled): turn.resume(throwing: cancelled)
                }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard var queue = state.queues[name], let index = queue.waiting.firstIndex(where: { $0.ticket == ticket }) else {
                    // Not queued: either its turn came (it goes on, and ends it), or it has yet to join.
                    state.cancelledEarly.insert(ticket)
                    return nil
                }
                let turn = queue.waiting.remove(at: index).turn
                state.queues[name] = queue
                return turn
            }
            cancelled?.resume(throwing: CancellationError())
        }
    }

    /// How many wait for a turn at `name`; nil when no one has it.
    func waiting(_ name: String) -> Int? {
        state.withLock { $0.queues[name]?.waiting.count }
    }

    /// Ends the turn at `name`: the next in line has it.
    func end(_ name: String) {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard var queue = state.queues[name], !queue.waiting.isEmpty else {
                state.queues[name] = nil
                return nil
            }
            let next = queue.waiting.removeFirst().turn
            state.queues[name] = queue
            return next
        }
        next?.resume()
    }
}
