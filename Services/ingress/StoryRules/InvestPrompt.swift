import Foundation

/// The INVEST check as a question to a language model, and its answer read back as warnings.
public enum InvestPrompt {
    public static let system = """
        You review agile user stories against INVEST: independent, negotiable, valuable, estimable, small, testable. \
        Answer with JSON only, no prose: {"warnings": [{"criterion": "<one of independent, negotiable, valuable, \
        estimable, small, testable>", "message": "<the problem in one sentence>", "details": "<what in the story shows \
        it>", "suggestion": "<how to fix it>"}]}. A story that meets every criterion gets {"warnings": []}.
        """

    public static func prompt(for story: StoryDraft) -> String {
        var fields: [String: Any] = [
            "title": story.title, "description": story.description, "as_a": story.asA, "i_want": story.iWant,
            "so_that": story.soThat, "is_epic": story.isEpic,
        ]
        fields["story_points"] = story.storyPoints
        let json = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return "The story, as JSON:\n" + String(decoding: json, as: UTF8.self)
    }

    public struct UnreadableAnswer: Error, CustomStringConvertible {
        public let problem: String
        public var description: String { "the model's INVEST answer is unusable: \(problem)" }
    }

    /// The warnings in the model's answer (a code fence around the JSON is tolerated), marked as the model's.
    public static func warnings(from answer: String) throws -> [InvestWarning] {
        var text = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("```") {
            text = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
                .joined(separator: "\n").replacingOccurrences(of: "```", with: "")
        }
        struct Answer: Decodable {
            struct Warning: Decodable {
                let criterion: String
                let message: String
                let details: String?
                let suggestion: String?
            }
            let warnings: [Warning]
        }
        let decoded: Answer
        do {
            decoded = try JSONDecoder().decode(Answer.self, from: Data(text.utf8))
        } catch {
            throw UnreadableAnswer(problem: "not the JSON asked for")
        }
        return try decoded.warnings.map { warning in
            guard let criterion = InvestWarning.Criterion(rawValue: warning.criterion.lowercased()) else {
                throw UnreadableAnswer(problem: "'\(warning.criterion)' is not an INVEST criterion")
            }
            return InvestWarning(criterion: criterion, message: warning.message, details: warning.details ?? "",
                                 suggestion: warning.suggestion ?? "", source: "llm")
        }
    }
}
