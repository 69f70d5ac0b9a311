import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process in a process group of its own, so that a timeout or a cancellation ends it and
/// everything it started. Its output goes to files; what is kept of them is capped.
///
/// `waitpid` blocks, so each process is waited for on a thread of its own, never on the cooperative pool.
public struct SpawnedProcess: Sendable {
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    /// Nil runs the process in this server's directory.
    public var workingDirectory: String?
    /// Written to the process's standard input.
    public var input: String
    public var timeout: Duration
    /// Bytes kept of each of standard output and standard error: the start and the end, the middle cut.
    public var outputLimit: Int

    public init(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String?,
        input: String = "", timeout: Duration, outputLimit: Int = 64 * 1024
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.input = input
        self.timeout = timeout
        self.outputLimit = outputLimit
    }

    public struct Outcome: Sendable {
        /// The exit status, or 128 + the signal that ended the process.
        public let status: Int32
        public let timedOut: Bool
        public let standardOutput: String
        public let standardError: String
        public let duration: Duration
    }

    public struct LaunchFailure: Error, CustomStringConvertible {
        public let executable: String
        public let problem: String
        public var description: String { "cannot start \(executable): \(problem)" }
    }

    /// How long the group has between SIGTERM and SIGKILL.
    static let terminationGrace = Duration.seconds(2)

    /// Runs the process to its end or its timeout; in every case the whole process group is killed before
    /// this returns, so nothing it started outlives it. Cancelled, it kills the group and throws.
    public func run() async throws -> Outcome {
        let files = try await OutputFiles(input: input)
        let started = ContinuousClock.now
        let pid = try spawn(files)
        let exit = ExitWatch(pid: pid)
        let timedOut = await withTaskCancellationHandler {
            await withTaskGroup(of: Bool.self) { race in
                race.addTask { await exit.status(); return false }
                race.addTask {
                    do { try await Task.sleep(for: timeout) } catch { return false }
                    return true
                }
                let timedOut = await race.next() ?? false
                race.cancelAll()
                return timedOut
            }
        } onCancel: {
            kill(-pid, SIGKILL)
        }
        if timedOut || Task.isCancelled {
            kill(-pid, SIGTERM)
            let ended = await withTaskGroup(of: Bool.self) { race in
                race.addTask { await exit.status(); return true }
                race.addTask { try? await Task.sleep(for: Self.terminationGrace); return false }
                let ended = await race.next() ?? false
                race.cancelAll()
                return ended
            }
            if !ended { kill(-pid, SIGKILL) }
        }
        // Not cancellable: after SIGKILL the process is gone at once.
        let status = await Task { await exit.status() }.value ?? -1
        // Whatever the agent left running in its group goes with it.
        kill(-pid, SIGKILL)
        guard !Task.isCancelled else {
            try? await Task { try await OutputFiles.offPool { files.remove() } }.value
            throw CancellationError()
        }
        let limit = outputLimit
        let (standardOutput, standardError) = try await OutputFiles.offPool {
            defer { files.remove() }
            return (files.readCapped(files.standardOutput, limit: limit), files.readCapped(files.standardError, limit: limit))
        }
        return Outcome(status: status, timedOut: timedOut, standardOutput: standardOutput, standardError: standardError,
                       duration: ContinuousClock.now - started)
    }

    private func spawn(_ files: OutputFiles) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, files.standardInput, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, files.standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, files.standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A new group led by the child; signals this server ignores (SIGPIPE) are default again in the child.
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        // Glibc's posix_spawn_file_actions_addchdir_np is not visible to Swift: a shell changes directory, then
        // becomes the program.
        let command = workingDirectory.map { ["/bin/sh", "-c", "cd -- \"$0\" && exec \"$@\"", $0, executable] } ?? [executable]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let result = posix_spawnp(&pid, command[0], &actions, &attributes, argv, envp)
        guard result == 0 else {
            files.remove()
            throw LaunchFailure(executable: executable, problem: String(cString: strerror(result)))
        }
        return pid
    }
}

/// Reaps one child on a thread of its own; any number of tasks may await its status.
final class ExitWatch: Sendable {
    private struct State {
        var status: Int32?
        var waiters: [Int: CheckedContinuation<Int32?, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    init(pid: pid_t) {
        let thread = Thread { [self] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1, errno == EINTR {}
            finish(Self.exitCode(status))
        }
        thread.name = "kinexus-wait-\(pid)"
        thread.start()
    }

    /// `WIFEXITED`/`WEXITSTATUS` are macros Swift cannot import.
    static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    private func finish(_ status: Int32) {
        let waiters = state.withLock { state in
            state.status = status
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        waiters.forEach { $0.resume(returning: status) }
    }

    /// The exit status once the process has ended; nil when the waiting task is cancelled first.
    @discardableResult
    func status() async -> Int32? {
        let key = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let known = state.withLock { state -> Int32?? in
                    if let status = state.status { return .some(status) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[key] = continuation
                    return .none
                }
                if case .some(let status) = known { continuation.resume(returning: status) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: key) }?.resume(returning: nil)
        }
    }
}
