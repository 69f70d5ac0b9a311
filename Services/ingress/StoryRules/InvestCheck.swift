import Foundation

/// One INVEST criterion a story does not meet, with what to do about it.
public struct InvestWarning: Sendable, Equatable, Codable {
    public enum Criterion: String, Sendable, Codable, CaseIterable {
        case independent, negotiable, valuable, estimable, small, testable
    }

    public let criterion: Criterion
    public let message: String
    public let details: String
    public let suggestion: String
    /// `heuristic`, or `llm` when a model wrote it.
    public let source: String

    public init(criterion: Criterion, message: String, details: String, suggestion: String, source: String = "heuristic") {
        self.criterion = criterion
        self.message = message
        self.details = details
        self.suggestion = suggestion
        self.source = source
    }
}

/// The heuristic INVEST rules: each looks for what the original flagged and says why.
public enum InvestCheck {
    static let placeholders: Set<String> = ["tbd", "n/a", "na", "unknown", "?", "todo"]
    static let prescriptive = ["pixel-perfect", "pixel perfect", "must use", "exactly as shown", "exactly like"]
    static let dependencies = ["depends on", "dependent on", "blocked by", "waiting on", "after story"]
    static let unknowns = ["tbd", "investigate", "investigation", "spike", "research", "unknown"]
    static let sprawling = ["entire platform", "whole platform", "multiple teams", "all services", "every service"]
    static let vague = [
        "fast", "faster", "quickly", "quick", "optimal", "optimized", "asap", "user-friendly", "user friendly",
        "intuitive", "seamless", "seamlessly", "easy", "easily", "simple", "efficient", "robust", "better",
    ]
    static let largestStory = 13

    public static func warnings(for story: StoryDraft) -> [InvestWarning] {
        var found: [InvestWarning] = []
        let all = Wording([story.title, story.description, story.asA, story.iWant, story.soThat].joined(separator: "\n"))
        let goal = Wording(story.iWant + "\n" + story.soThat)

        if let phrase = all.first(of: dependencies) {
            found.append(.init(criterion: .independent, message: "The story depends on other work",
                               details: "It says \"\(phrase)\".",
                               suggestion: "Split out or reorder the work so this story can be delivered on its own."))
        }
        if story.iWant.trimmed.isEmpty {
            found.append(.init(criterion: .negotiable, message: "The story does not say what is wanted",
                               details: "i_want is empty.", suggestion: "State the capability wanted, not its design."))
        } else if let phrase = all.first(of: prescriptive) {
            found.append(.init(criterion: .negotiable, message: "The story prescribes the solution",
                               details: "It says \"\(phrase)\".",
                               suggestion: "Describe the outcome and leave the how open for the team to negotiate."))
        }
        if story.asA.trimmed.isEmpty || story.soThat.trimmed.isEmpty {
            let missing = [story.asA.trimmed.isEmpty ? "as_a" : nil, story.soThat.trimmed.isEmpty ? "so_that" : nil]
                .compactMap { $0 }.joined(separator: " and ")
            found.append(.init(criterion: .valuable, message: "The story does not say who benefits and why",
                               details: "\(missing) \(missing.contains(" and ") ? "are" : "is") empty.",
                               suggestion: "Name the user (as_a) and the value they get (so_that)."))
        } else if placeholders.contains(story.soThat.trimmed.lowercased()) {
            found.append(.init(criterion: .valuable, message: "The story's value is a placeholder",
                               details: "so_that is \"\(story.soThat.trimmed)\".",
                               suggestion: "Say what the user gains, in their words."))
        }
        if let phrase = all.first(of: unknowns) {
            found.append(.init(criterion: .estimable, message: "The story has unknowns that block an estimate",
                               details: "It says \"\(phrase)\".",
                               suggestion: "Run a time-boxed spike first, then write the story from what it found."))
        }
        if !story.isEpic, let points = story.storyPoints, points >= largestStory {
            found.append(.init(criterion: .small, message: "The story is too large for one iteration",
                               details: "\(points) story points; a story that is not an epic stays below \(largestStory).",
                               suggestion: "Split it by workflow step, data variation or user role."))
        } else if let phrase = all.first(of: sprawling) {
            found.append(.init(criterion: .small, message: "The story's scope is sprawling",
                               details: "It says \"\(phrase)\".", suggestion: "Narrow it to one component or team."))
        }
        if let word = goal.first(of: vague) {
            found.append(.init(criterion: .testable, message: "The story's goal cannot be tested as written",
                               details: "\"\(word)\" has no measure.",
                               suggestion: "Replace it with a number and a unit, e.g. \"within 200 ms\" or \"in 3 clicks\"."))
        }
        return found
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
