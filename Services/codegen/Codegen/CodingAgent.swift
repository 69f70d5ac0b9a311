import CodegenRules
import Foundation

/// Whatever writes the code: a configured command line agent, or the embedded scaffold agent.
public protocol CodingAgent: Sendable {
    /// Works on the brief in the workspace (TASK.md is already there) and answers how it went; `progress`
    /// hears the transcript so far while it grows.
    func work(on brief: TaskBrief, in workspace: Workspace, progress: @escaping @Sendable (String) -> Void) async throws -> AgentRun
}

public struct AgentRun: Sendable {
    public let status: Int32
    public let timedOut: Bool
    /// The agent's standard output, capped.
    public let transcript: String
    public let standardError: String

    public var succeeded: Bool { status == 0 && !timedOut }
}

/// Any command line agent (kiro-cli, claude, aider, a script), run by `/bin/sh -c` in the workspace.
/// The prompt (TASK.md's text) replaces `{prompt}` in the command, quoted, or else arrives on stdin.
public struct CommandAgent: CodingAgent {
    public let command: String
    public let timeout: Duration
    public let transcriptLimit: Int
    let environment: [String: String]

    public init(command: String, timeout: Duration, transcriptLimit: Int,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.command = command
        self.timeout = timeout
        self.transcriptLimit = transcriptLimit
        // Kinexus's own settings hold its tokens; the agent brings its own credentials.
        self.environment = environment.filter { !$0.key.hasPrefix("KINEXUS_") }
    }

    public func work(on brief: TaskBrief, in workspace: Workspace, progress: @escaping @Sendable (String) -> Void) async throws
        -> AgentRun
    {
        let prompt = brief.markdown
        let substitutes = command.contains("{prompt}")
        var environment = self.environment
        environment["KINEXUS_PROMPT"] = prompt
        environment["KINEXUS_TASK_ID"] = brief.taskID
        environment["KINEXUS_BRANCH"] = brief.branch
        environment["KINEXUS_TASK_FILE"] = workspace.path + "/TASK.md"
        let script = substitutes ? command.replacingOccurrences(of: "{prompt}", with: "\"$KINEXUS_PROMPT\"") : command
        let outcome = try await SpawnedProcess(
            executable: "/bin/sh", arguments: ["-c", AgentLifeline.watcher + script],
            environment: environment, workingDirectory: workspace.path, input: substitutes ? "" : prompt,
            timeout: timeout, outputLimit: transcriptLimit, withLifeline: true, onOutput: progress
        ).run()
        return AgentRun(status: outcome.status, timedOut: outcome.timedOut, transcript: outcome.standardOutput,
                        standardError: outcome.standardError)
    }
}

/// The embedded default: no model, no network. It turns the acceptance tests into a Gherkin feature file
/// of pending scenarios for someone (or a real agent) to implement, and says so.
public struct ScaffoldAgent: CodingAgent {
    public init() {}

    public func work(on brief: TaskBrief, in workspace: Workspace, progress: @escaping @Sendable (String) -> Void) async throws
        -> AgentRun
    {
        let file = "tests/acceptance/\(Self.slug(brief.title)).feature"
        let feature = Self.feature(brief)
        let path = workspace.path + "/" + file
        try await BlockingIO.run {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(feature.utf8).write(to: url)
        }
        let scenarios = max(brief.acceptanceTests.count, 1)
        let transcript = """
            Kinexus scaffold agent (no model configured): TASK.md describes the task; \(file) holds \(scenarios) \
            pending scenario\(scenarios == 1 ? "" : "s") derived from the Given/When/Then steps. No code was written: \
            set KINEXUS_CODEGEN_AGENT to a coding agent's command to have it implemented.

            """
        return AgentRun(status: 0, timedOut: false, transcript: transcript, standardError: "")
    }

    static func feature(_ brief: TaskBrief) -> String {
        var lines = ["# Written by Kinexus's scaffold agent from task \(brief.taskID); each scenario awaits its steps' code.",
                     "Feature: \(oneLine(brief.title))", ""]
        lines += brief.objective.split(whereSeparator: \.isNewline).map { "  " + oneLine(String($0)) }
        lines.append("")
        guard !brief.acceptanceTests.isEmpty else {
            lines += ["  @pending", "  Scenario: \(oneLine(brief.title))", "    Given the objective above",
                      "    When it is implemented", "    Then its outcome is observable", ""]
            return lines.joined(separator: "\n")
        }
        for (index, test) in brief.acceptanceTests.enumerated() {
            lines += ["  @pending", "  Scenario: \(oneLine(test.title.isEmpty ? "Scenario \(index + 1)" : test.title))"]
            for (keyword, steps) in [("Given", test.given), ("When", test.when), ("Then", test.then)] {
                for (position, step) in steps.enumerated() {
                    lines.append("    \(position == 0 ? keyword : "And") \(oneLine(step))")
                }
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    /// Lowercase words joined by hyphens, at most 60 characters: a file name from any title.
    static func slug(_ title: String) -> String {
        let words = title.lowercased().split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
        let slug = String(words.joined(separator: "-").prefix(60)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return slug.isEmpty ? "task" : slug
    }
}
