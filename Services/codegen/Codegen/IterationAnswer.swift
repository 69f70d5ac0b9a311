import CodegenRules
import KinexusEvents

/// What an iteration writes: its commit's message, whose trailer says which iteration made it, and the one
/// comment it answers the reviewers with, whose hidden mark says the same.
enum IterationAnswer {
    static func trailer(_ brief: TaskBrief) -> String {
        "Kinexus-Task: \(brief.taskID)\nKinexus-Iteration: \(brief.iteration ?? 0)"
    }

    static func commitMessage(_ brief: TaskBrief) -> String {
        let people = authors(brief.feedback)
        return "\(brief.title): review feedback (iteration \(brief.iteration ?? 0))\n\n"
            + "Answers \(brief.feedback.count) piece\(brief.feedback.count == 1 ? "" : "s") of feedback"
            + (people.isEmpty ? "" : " from \(people)") + ".\n\n\(trailer(brief))\n"
    }

    /// Hidden in the comment: GitHub renders nothing of it, and the ingress never reads a comment holding it as feedback.
    static func mark(_ brief: TaskBrief) -> String {
        "\(CodeFeedback.kinexusMark)task/\(brief.taskID)/iteration/\(brief.iteration ?? 0) -->"
    }

    static func handOverMark(_ taskID: String) -> String { "\(CodeFeedback.kinexusMark)task/\(taskID)/hand-over -->" }

    static func text(_ brief: TaskBrief, outcome: IterationStore.Outcome, diffStat: DiffStat?, taskURL: String) -> String {
        var lines = [mark(brief), "**Kinexus, iteration \(brief.iteration ?? 0)** — for the feedback of \(authors(brief.feedback)).", ""]
        switch outcome.status {
        case "pushed":
            let commit = outcome.commit ?? ""
            lines.append("Pushed `\(commit.prefix(12))` on `\(brief.branch)`: \(diffStat?.summary ?? "")")
            lines += (diffStat?.files ?? []).map { "- `\($0)`" }
        case "unchanged":
            lines.append("The agent found nothing to change for this feedback, so there is no new commit.")
        default:
            lines.append("The agent could not answer this feedback, and nothing was pushed: \(outcome.reason ?? outcome.status)")
        }
        lines += ["", "The task, its iterations and the agent's transcript: \(taskURL)", ""]
        return lines.joined(separator: "\n")
    }

    static func handOver(taskID: String, limit: Int, taskURL: String) -> String {
        [handOverMark(taskID),
         "**Kinexus** has made the \(limit) iteration\(limit == 1 ? "" : "s") this pull request allows "
             + "(`KINEXUS_CODEGEN_MAX_ITERATIONS`): a person takes over from here, and further feedback is not given to the agent.",
         "", "The task and its iterations: \(taskURL)", ""].joined(separator: "\n")
    }

    /// `@ana, @ben` for GitHub's people, plain names for the console's.
    static func authors(_ feedback: [CodeFeedback]) -> String {
        var seen: Set<String> = []
        let names = feedback.compactMap { item -> String? in
            guard seen.insert(item.author).inserted else { return nil }
            return item.origin == "github" ? "@\(item.author)" : item.author
        }
        return names.isEmpty ? "the reviewers" : names.joined(separator: ", ")
    }
}
