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
    /// Set for an iteration: its number, and the feedback it answers, on the branch as it stands.
    public let iteration: Int?
    public let feedback: [CodeFeedback]

    public init(request: CodegenRequested, baseBranch: String, timeout: Duration) {
        taskID = request.taskID
        storyID = request.storyID
        title = Self.title(request)
        objective = request.prompt
        acceptanceTests = request.acceptanceTests
        branch = Self.branch(request)
        self.baseBranch = baseBranch
        self.timeout = timeout
        iteration = nil
        feedback = []
    }

    /// An iteration of a task on its existing branch.
    public init(iteration: Int, feedback: [CodeFeedback], taskID: String, storyID: String?, title: String, objective: String,
                acceptanceTests: [AcceptanceCriterion], branch: String, baseBranch: String, timeout: Duration) {
        self.taskID = taskID
        self.storyID = storyID
        self.title = title
        self.objective = objective
        self.acceptanceTests = acceptanceTests
        self.branch = branch
        self.baseBranch = baseBranch
        self.timeout = timeout
        self.iteration = iteration
        self.feedback = feedback
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

    /// TASK.md: objective, acceptance criteria as Given/When/Then, for an iteration the feedback to answer,
    /// constraints.
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
        if let iteration {
            lines += ["## Review feedback (iteration \(iteration))", "",
                      "The pull request on this branch was reviewed. Change the code so that it answers every point below;",
                      "what the branch already holds is the earlier work.", ""]
            lines += feedback.flatMap(Self.section)
        }
        lines += [
            "## Constraints", "",
            "- Work only inside this repository, on branch `\(branch)` (from `\(baseBranch)`).",
            iteration == nil ? "- Kinexus commits everything you change and opens the pull request; this file is not committed."
                : "- Kinexus commits everything you change on top of the branch and answers the reviewers; this file is not committed.",
            "- Every acceptance criterion above gets an automated test.",
            "- You have \(Int(timeout.components.seconds)) seconds; then every process you started is stopped.",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    public var pullRequestTitle: String { storyID == nil ? title : "Story: \(title)" }

    /// One person's feedback: who and where, their words, then each line comment with the lines it is about.
    static func section(_ feedback: CodeFeedback) -> [String] {
        let kind = feedback.state == "changes_requested" ? "requested changes"
            : feedback.origin == "console" ? "asked in the console" : "commented"
        var lines = ["### \(feedback.author) \(kind)" + (feedback.url.map { " (\($0))" } ?? ""), ""]
        let body = feedback.body.trimmingCharacters(in: .whitespacesAndNewlines)
        if !body.isEmpty { lines += body.split(separator: "\n", omittingEmptySubsequences: false).map { "> \($0)" } + [""] }
        for comment in feedback.comments {
            let place = [comment.path.map { "`\($0)`" }, comment.line.map { "line \($0)" }].compactMap { $0 }.joined(separator: ", ")
            lines += ["- \(comment.author) on \(place.isEmpty ? "the change" : place):", ""]
            lines += comment.body.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n", omittingEmptySubsequences: false)
                .map { "  > \($0)" }
            if let hunk = comment.diffHunk, !hunk.isEmpty {
                lines += ["", "  ```diff"] + hunk.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)" } + ["  ```"]
            }
            lines.append("")
        }
        return lines
    }
}
