import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process in a process group of its own, so that a timeout or a cancellation ends it and
/// everything it started. What is kept of its output is capped.
///
/// Its pipes and `waitpid` block, so each process is fed, drained and reaped by a thread of its own, never
/// on the cooperative pool.
///
/// Not swift-subprocess (1.0.2): on Linux it closes every descriptor from 3 up in the child
/// (`posix_spawn_file_actions_addclosefrom_np(3)`) and has no hook that runs before `exec`, so an agent
/// cannot be handed `AgentLifeline`'s pipe as descriptor 3 — and without it an agent outlives a codegen
/// killed with SIGKILL (`aTaskWhoseReplicaDiesIsFinishedByAnother` fails). Its process group,
/// teardown sequence and working directory would replace the rest of this file.
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
    /// Whether the process gets `AgentLifeline`'s pipe as descriptor 3 and its owner mark.
    public var withLifeline: Bool
    /// Called with the standard output kept so far, at most twice a second while it grows, from the thread
    /// that drains the process.
    public var onOutput: (@Sendable (String) -> Void)?

    public init(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String?,
        input: String = "", timeout: Duration, outputLimit: Int = 64 * 1024, withLifeline: Bool = false,
        onOutput: (@Sendable (String) -> Void)? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.input = input
        self.timeout = timeout
        self.outputLimit = outputLimit
        self.withLifeline = withLifeline
        self.onOutput = onOutput
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
        let started = ContinuousClock.now
        let watch = try spawn()
        let pid = watch.pid
        let timedOut = await withTaskCancellationHandler {
            await withTaskGroup(of: Bool.self) { race in
                race.addTask { await watch.ended(); return false }
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
                race.addTask { await watch.ended() != nil }
                race.addTask { try? await Task.sleep(for: Self.terminationGrace); return false }
                let ended = await race.next() ?? false
                race.cancelAll()
                return ended
            }
            if !ended { kill(-pid, SIGKILL) }
        }
        // Not cancellable: after SIGKILL the process is gone at once.
        guard let result = await Task(operation: { await watch.ended() }).value else { throw CancellationError() }
        try Task.checkCancellation()
        return Outcome(status: result.status, timedOut: timedOut, standardOutput: result.standardOutput,
                       standardError: result.standardError, duration: ContinuousClock.now - started)
    }

    /// Held from creating a child's pipes until it is spawned: pipes are made close-on-exec in a second step
    /// (Swift cannot see `pipe2`), and another spawn in between would inherit them.
    private static let spawning = Mutex(())

    private func spawn() throws -> ProcessWatch {
        try Self.spawning.withLock { _ in try spawnAlone() }
    }

    private func spawnAlone() throws -> ProcessWatch {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let output = try ChildPipe(), errors = try ChildPipe()
        let feed = input.isEmpty ? nil : try ChildPipe()
        if let feed {
            posix_spawn_file_actions_adddup2(&actions, feed.read, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
        var environment = environment
        if withLifeline, let lifeline = AgentLifeline.pipe {
            posix_spawn_file_actions_adddup2(&actions, lifeline.read, 3)
            environment[AgentLifeline.ownerVariable] = AgentLifeline.owner
        }

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
        // The child's ends are the child's alone now.
        close(output.write)
        close(errors.write)
        if let feed { close(feed.read) }
        guard result == 0 else {
            [output.read, errors.read, feed?.write].compactMap { $0 }.forEach { close($0) }
            throw LaunchFailure(executable: executable, problem: String(cString: strerror(result)))
        }
        return ProcessWatch(pid: pid, output: output.read, errors: errors.read, input: feed.map { ($0.write, Array(input.utf8)) },
                            limit: outputLimit, onOutput: onOutput)
    }
}

/// Both ends of a pipe, closed on exec so no other child inherits them.
struct ChildPipe {
    let read: Int32
    let write: Int32

    init() throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw SpawnedProcess.LaunchFailure(executable: "pipe", problem: String(cString: strerror(errno)))
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        (read, write) = (ends[0], ends[1])
    }
}

/// Feeds, drains and reaps one child on a thread of its own; any number of tasks may await the end.
final class ProcessWatch: Sendable {
    struct Result: Sendable {
        /// The exit status, or 128 + the signal that ended the process.
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    private struct State {
        var result: Result?
        var waiters: [Int: CheckedContinuation<Result?, Never>] = [:]
        var nextWaiter = 0
    }

    let pid: pid_t
    private let state = Mutex(State())

    init(pid: pid_t, output: Int32, errors: Int32, input: (descriptor: Int32, bytes: [UInt8])?, limit: Int,
         onOutput: (@Sendable (String) -> Void)?) {
        self.pid = pid
        let thread = Thread { [self] in
            // A child that exits without reading all its input would otherwise end this whole process with
            // SIGPIPE; blocked in this thread, the write answers EPIPE instead.
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
            finish(Self.watch(pid: pid, output: output, errors: errors, input: input, limit: limit, onOutput: onOutput))
        }
        thread.name = "kinexus-child-\(pid)"
        thread.start()
    }

    /// Polls the pipes until both are closed and the child is reaped. When the child exits first, its group
    /// is killed, so that a grandchild holding a pipe open cannot keep this waiting; one that left the group
    /// (a new session) gets two seconds before its pipes are closed on it.
    private static func watch(
        pid: pid_t, output: Int32, errors: Int32, input: (descriptor: Int32, bytes: [UInt8])?, limit: Int,
        onOutput: (@Sendable (String) -> Void)?
    ) -> Result {
        var captured = [output: CappedOutput(limit: limit), errors: CappedOutput(limit: limit)]
        var open: Set<Int32> = [output, errors]
        var feed = input
        var written = 0
        var exitCode: Int32?
        var buffer = [UInt8](repeating: 0, count: 65_536)
        for descriptor in [output, errors] + [input?.descriptor].compactMap({ $0 }) {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        var drainUntil = ContinuousClock.now
        var reported = ContinuousClock.now, unreported = false
        func reap(blocking: Bool) {
            var status: Int32 = 0
            var reaped: pid_t
            repeat { reaped = waitpid(pid, &status, blocking ? 0 : WNOHANG) } while reaped == -1 && errno == EINTR
            guard reaped == pid else { return }
            exitCode = exitStatus(status)
            kill(-pid, SIGKILL)
            drainUntil = .now + .seconds(2)
        }
        while !open.isEmpty || feed != nil {
            if exitCode != nil, ContinuousClock.now > drainUntil {
                (open.map { $0 } + [feed?.descriptor].compactMap { $0 }).forEach { close($0) }
                break
            }
            if exitCode == nil { reap(blocking: false) }
            var descriptors = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if let feed { descriptors.append(pollfd(fd: feed.descriptor, events: Int16(POLLOUT), revents: 0)) }
            // A short wait, so an exit that leaves the pipes open is noticed.
            _ = poll(&descriptors, nfds_t(descriptors.count), 50)
            for descriptor in descriptors where descriptor.revents != 0 {
                if descriptor.fd == feed?.descriptor, let bytes = feed?.bytes {
                    let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor.fd, $0.baseAddress, $0.count) }
                    if count > 0 { written += count }
                    if count < 0 && errno != EAGAIN || written == bytes.count {
                        close(descriptor.fd)
                        feed = nil
                    }
                    continue
                }
                let count = buffer.withUnsafeMutableBytes { read(descriptor.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    buffer.withUnsafeBytes { captured[descriptor.fd]?.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
                    unreported = unreported || descriptor.fd == output
                } else if count == 0 || errno != EAGAIN {
                    close(descriptor.fd)
                    open.remove(descriptor.fd)
                }
            }
            if let onOutput, unreported, ContinuousClock.now - reported >= .milliseconds(500) {
                onOutput(captured[output]?.text ?? "")
                (reported, unreported) = (.now, false)
            }
            if exitCode != nil, let input = feed {
                // Nobody is left to read the rest of the input.
                close(input.descriptor)
                feed = nil
            }
        }
        if exitCode == nil { reap(blocking: true) }
        return Result(status: exitCode ?? -1, standardOutput: captured[output]?.text ?? "",
                      standardError: captured[errors]?.text ?? "")
    }

    /// `WIFEXITED`/`WEXITSTATUS` are macros Swift cannot import.
    static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    private func finish(_ result: Result) {
        let waiters = state.withLock { state in
            state.result = result
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        waiters.forEach { $0.resume(returning: result) }
    }

    /// The outcome once the process has ended and its output is drained; nil when the waiting task is
    /// cancelled first.
    @discardableResult
    func ended() async -> Result? {
        let key = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let known = state.withLock { state -> Result?? in
                    if let result = state.result { return .some(result) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[key] = continuation
                    return .none
                }
                if case .some(let result) = known { continuation.resume(returning: result) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: key) }?.resume(returning: nil)
        }
    }
}
