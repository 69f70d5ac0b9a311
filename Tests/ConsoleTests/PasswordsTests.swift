@testable import Accounts
import Dispatch
import KinexusTestSupport
import NIOCore
import NIOPosix
import Synchronization
import Testing

struct PasswordsTests {
    final class Holding: Sendable {
        let count = Mutex(0)
    }

    /// Bcrypt holds a thread for a quarter of a second on purpose; on NIO's shared blocking pool, a burst of
    /// sign-ins held up every file read and write of the process behind it.
    @Test func aPasswordIsHashedWhileEveryThreadOfTheSharedBlockingPoolIsBusy() async throws {
        let threads = NIOSingletons.blockingPoolThreadCountSuggestion
        let release = DispatchSemaphore(value: 0)
        let holding = Holding()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<threads {
                group.addTask {
                    try await NIOThreadPool.singleton.runIfActive {
                        holding.count.withLock { $0 += 1 }
                        // Bounded, so that a regression fails the test rather than hanging it.
                        return release.wait(timeout: .now() + 60) == .success
                    }
                }
            }
            let held = await eventually(timeout: .seconds(30)) { holding.count.withLock { $0 } == threads }
            let hash = held ? try await Passwords.hash("correct horse battery staple") : ""
            for _ in 0..<threads { release.signal() }
            var releasedByUs = 0
            for try await released in group where released { releasedByUs += 1 }
            #expect(held, "every thread of the shared pool was taken")
            #expect(releasedByUs == threads, "the hash waited for the shared pool's threads")
            #expect(try await Passwords.verify("correct horse battery staple", hash: hash))
        }
    }
}
