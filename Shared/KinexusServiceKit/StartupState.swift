import Synchronization

/// Whether start-up (migrations, consumer groups) is done, shared by the runner and `/ready`.
final class StartupState: Sendable {
    private let done = Atomic<Bool>(false)

    var isDone: Bool { done.load(ordering: .relaxed) }

    func markDone() {
        done.store(true, ordering: .relaxed)
    }
}
