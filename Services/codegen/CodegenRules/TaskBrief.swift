import Foundation
import KinexusEvents

/// What a task asks for, as the agent reads it in TASK.md and reviewers read it in the pull request.
public struct TaskBrief: Sendable, Equatable {
    public let taskID: String
    public let storyID: String?
    public let title: String
    public let objective: String
    public let acceptanceTests: [AcceptanceCriterion]
    public let branch: String
    public let baseBranch: String
    public let timeout: Duration

    public init(request: CodegenRequested, baseBranch: String, timeout: Duration) {
        taskID = request.taskID
        storyID = request.storyID
        title = Self.title(request)
        objective = request.prompt
        acceptanceTests = request.acceptanceTests
        branch = Self.branch(request)
        self.baseBranch = baseBranch
        self.timeout = timeout
    }

    /// `kinexus/story-<short id>` for a story's task, `kinexus/task-<short id>` for any other: the first eight
    /// characters of the task id, so generating a story twice gives two branches.
    static func branch(_ request: CodegenRequested) -> String {
        let short = request.taskID.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(8)
        return "kinexus/\(request.storyID == nil ? "task" : "story")-\(short)"
    }

    static func title(_ request: CodegenRequested) -> String {
        if let title = request.title?.trimmingCharacters(in: .whitespacesAndNewlines), !title.isEmpty { return title }
        let firstLine = request.prompt.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let trimmed = firstLine.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return "Task \(request.taskID)" }
        return trimmed.count > 72 ? String(trimmed.prefix(71)) + "…" : trimmed
    }

    /// TASK.md: objective, acceptance criteria as Given/When/Then, constraints.
    public var markdown: String {
        var lines = ["# \(title)", "", "## Objective", "", objective.trimmingCharacters(in: .whitespacesAndNewlines), ""]
        lines += ["## Acceptance criteria", ""]
        if acceptanceTests.isEmpty {
            lines += ["None given: derive them from the objective, and write them down as tests.", ""]
        }
        for (index, test) in acceptanceTests.enumerated() {
            lines += ["### \(test.title.isEmpty ? "Scenario \(index + 1)" : test.title)", ""]
            lines += test.given.map { "- **Given** \($0)" } + test.when.map { "- **When** \($0)" }
                + test.then.map { "- **Then** \($0)" }
            lines.append("")
        }
        lines += [
            "## Constraints", "",
            "- Work only inside this repository, on branch `\(branch)` (from `\(baseBranch)`).",
            "- Kinexus commits everything you change and opens the pull request; this file is not committed.",
            "- Every acceptance criterion above gets an automated test.",
            "- You have \(Int(timeout.components.seconds)) seconds; then every process you started is stopped.",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    public var pullRequestTitle: String { storyID == nil ? title : "Story: \(title)" }
}
