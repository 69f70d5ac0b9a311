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
    /// sign-ins held up every file read and write of the process behind it. Other suites use the shared pool
    /// too, so its threads are held at most two seconds at a time, until all of them are free at once.
    @Test func aPasswordIsHashedWhileEveryThreadOfTheSharedBlockingPoolIsBusy() async throws {
        for _ in 0..<60 {
            guard let (hash, releasedByUs) = try await whileSharedPoolIsHeld({ try await Passwords.hash("correct horse") })
            else { continue }
            #expect(releasedByUs, "the hash waited for the shared pool's threads")
            #expect(try await Passwords.verify("correct horse", hash: hash))
            return
        }
        Issue.record("the shared blocking pool's threads were never all free at once")
    }

    /// Runs `body` once a task holds each thread of NIO's shared blocking pool; answers its result and whether
    /// the threads were still held when it returned (each lets go by itself after 60 s), or nil when they were
    /// not all taken within two seconds.
    func whileSharedPoolIsHeld<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> (T, Bool)? {
        let threads = NIOSingletons.blockingPoolThreadCountSuggestion
        let release = DispatchSemaphore(value: 0)
        let holding = Holding()
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<threads {
                group.addTask {
                    try await NIOThreadPool.singleton.runIfActive {
                        holding.count.withLock { $0 += 1 }
                        return release.wait(timeout: .now() + 60) == .success
                    }
                }
            }
            let held = await eventually(timeout: .seconds(2)) { holding.count.withLock { $0 } == threads }
            let result = held ? try await body() : nil
            for _ in 0..<threads { release.signal() }
            var releasedByUs = true
            for try await released in group { releasedByUs = releasedByUs && released }
            return result.map { ($0, releasedByUs) }
        }
    }
}
