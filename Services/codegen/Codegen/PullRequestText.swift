import CodegenRules
/// The pull request's description: the task as the agent read it, what changed, and the agent's transcript.
enum PullRequestText {
    /// GitHub refuses a body over 65,536 characters: the brief and the transcript share what is left.
    static let briefBudget = 30_000
    static let transcriptBudget = 30_000

    static func body(_ brief: TaskBrief, diffStat: DiffStat, transcript: String) -> String {
        let excerpt = transcript.count > transcriptBudget
            ? "…\n" + String(transcript.suffix(transcriptBudget)) : transcript
        var lines = ["Opened by Kinexus for task `\(brief.taskID)`" + (brief.storyID.map { ", story `\($0)`" } ?? "") + ".", ""]
        lines += ["**\(diffStat.summary)**", ""] + diffStat.files.map { "- `\($0)`" } + [""]
        let task = brief.markdown.count > briefBudget
            ? String(brief.markdown.prefix(briefBudget)) + "\n\n… (cut here: the task is longer than a pull request allows)\n"
            : brief.markdown
        lines += [task, "<details><summary>Agent transcript</summary>", "", "```text",
                  excerpt.replacingOccurrences(of: "```", with: "ʼʼʼ"), "```", "", "</details>", ""]
        return lines.joined(separator: "\n")
    }
}
