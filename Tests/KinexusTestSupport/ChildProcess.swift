import Foundation

/// A child process, its output captured to a file and killed at the latest when it is released, so it never
/// outlives the test or holds the test runner's pipes.
public final class ChildProcess: @unchecked Sendable {
    public let process = Process()
    public let outputURL: URL

    /// `@unchecked`: `Process` is thread-safe for the calls made here (launch, signals, termination).
    public init(executableURL: URL, arguments: [String] = [], environment: [String: String] = [:]) throws {
        process.executableURL = executableURL
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("kinexus-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL)
        process.standardOutput = output
        process.standardError = output
    }

    /// An executable this package builds.
    public convenience init(executable: String, arguments: [String] = [], environment: [String: String] = [:]) throws {
        try self.init(executableURL: TestEnvironment.binaryDirectory.appendingPathComponent(executable),
                      arguments: arguments, environment: environment)
    }

    /// A service, as the image runs it: `kinexus <service>`.
    public convenience init(service: String, environment: [String: String] = [:]) throws {
        try self.init(executable: "kinexus", arguments: [service], environment: environment)
    }

    public func start() throws {
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }

    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit without blocking a thread, and answers its status; nil on timeout.
    public func exitStatus(within timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    public var output: String {
        (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: outputURL)
    }
}

/// A TCP port nothing listens on now: the kernel's pick for a socket bound to port 0.
public func freePort() -> Int {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
