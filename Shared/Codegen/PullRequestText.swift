/// The pull request's description: the task as the agent read it, what changed, and the agent's transcript.
enum PullRequestText {
    /// GitHub refuses a body over 65,536 characters.
    static let transcriptBudget = 40_000

    static func body(_ brief: TaskBrief, diffStat: DiffStat, transcript: String) -> String {
        let excerpt = transcript.count > transcriptBudget
            ? "…\n" + String(transcript.suffix(transcriptBudget)) : transcript
        var lines = ["Opened by Kinexus for task `\(brief.taskID)`" + (brief.storyID.map { ", story `\($0)`" } ?? "") + ".", ""]
        lines += ["**\(diffStat.summary)**", ""] + diffStat.files.map { "- `\($0)`" } + [""]
        lines += [brief.markdown, "<details><summary>Agent transcript</summary>", "", "```text",
                  excerpt.replacingOccurrences(of: "```", with: "ʼʼʼ"), "```", "", "</details>", ""]
        return lines.joined(separator: "\n")
    }
}
