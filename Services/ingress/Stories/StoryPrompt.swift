import CodegenRules
import StoryRules
import KinexusEvents

/// The prompt of a story's "Generate Code & PR" task: the story, its acceptance tests as Given/When/Then,
/// and where the code goes.
enum StoryPrompt {
    static func prompt(_ story: Story, tests: [AcceptanceTest], target: CodegenTarget) -> String {
        var lines = ["Implement the user story \"\(story.title)\".", ""]
        let narrative = [("As ", story.asA), ("I want ", story.iWant), ("so that ", story.soThat)]
            .filter { !$0.1.isEmpty }.map { $0.0 + $0.1 }
        if !narrative.isEmpty { lines += [narrative.joined(separator: ", ") + ".", ""] }
        if !story.description.isEmpty { lines += [story.description, ""] }
        if !story.components.isEmpty { lines.append("Components: \(story.components.joined(separator: ", ")).") }
        if let points = story.storyPoints { lines.append("Story points: \(points).") }
        lines += ["Repository: \(target.repository), base branch \(target.baseBranch).", ""]
        if tests.isEmpty {
            lines.append("The story has no acceptance tests yet.")
        } else {
            lines.append("Acceptance tests:")
            for (index, test) in tests.enumerated() {
                lines.append("\(index + 1). \(test.title.isEmpty ? "Scenario \(index + 1)" : test.title)")
                lines += test.given.map { "   Given \($0)" } + test.when.map { "   When \($0)" } + test.then.map { "   Then \($0)" }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func criteria(_ tests: [AcceptanceTest]) -> [AcceptanceCriterion] {
        tests.map { AcceptanceCriterion(title: $0.title, given: $0.given, when: $0.when, then: $0.then) }
    }
}
