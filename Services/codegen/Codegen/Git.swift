import Foundation

/// Git, run as a child process in one directory. Nothing reads the user's or the system's git
/// configuration, and git never prompts.
public struct Git: Sendable {
    public let directory: String
    /// `http.extraHeader` for the remote, given to git through its environment so it never shows in `ps`.
    let authorizationHeader: String?

    public init(directory: String, authorizationHeader: String? = nil) {
        self.directory = directory
        self.authorizationHeader = authorizationHeader
    }

    public struct Failure: Error, CustomStringConvertible {
        public let command: String
        public let status: Int32
        public let standardError: String
        public var description: String {
            "git \(command) failed (status \(status)): \(standardError.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }

    var environment: [String: String] {
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": directory, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_TERMINAL_PROMPT": "0",
            "GIT_AUTHOR_NAME": "Kinexus", "GIT_AUTHOR_EMAIL": "kinexus@localhost",
            "GIT_COMMITTER_NAME": "Kinexus", "GIT_COMMITTER_EMAIL": "kinexus@localhost",
        ]
        if let authorizationHeader {
            environment["GIT_CONFIG_COUNT"] = "1"
            environment["GIT_CONFIG_KEY_0"] = "http.extraHeader"
            environment["GIT_CONFIG_VALUE_0"] = authorizationHeader
        }
        return environment
    }

    /// Runs `git arguments…` and answers its standard output; a non-zero status throws with its stderr.
    @discardableResult
    public func run(_ arguments: String..., input: String = "") async throws -> String {
        try await run(arguments, input: input)
    }

    @discardableResult
    public func run(_ arguments: [String], input: String = "") async throws -> String {
        let outcome = try await SpawnedProcess(
            executable: "git", arguments: ["-C", directory] + arguments, environment: environment, workingDirectory: nil,
            input: input, timeout: .seconds(600), outputLimit: 16 * 1024 * 1024
        ).run()
        guard outcome.status == 0 else {
            throw Failure(command: arguments.first ?? "", status: outcome.status, standardError: outcome.standardError)
        }
        return outcome.standardOutput
    }
}
