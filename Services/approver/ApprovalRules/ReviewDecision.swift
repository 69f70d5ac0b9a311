import Foundation

/// A reviewer's verdict, from the API's explicit value or read from the start of a comment.
public enum ReviewDecision: String, Sendable, Equatable, CaseIterable {
    case approved
    case rejected
    case needsRevision = "needs_revision"

    /// Phrases a comment must start with. Rejections are tried first, and every phrase must end at a word
    /// boundary: "Not approved" is never an approval, "approvedly" is nothing.
    static let phrases: [(ReviewDecision, [String])] = [
        (.rejected, ["not approved", "rejected", "reject", "needs work", "❌"]),
        (.needsRevision, ["needs revision", "request changes", "requesting changes", "please update", "please revise",
                          "please fix"]),
        (.approved, ["approved", "approve", "lgtm", "ship it", "✅"]),
    ]

    /// The decision a comment states, or nil when it states none.
    public static func read(comment: String) -> ReviewDecision? {
        let text = comment.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        for (decision, phrases) in phrases {
            for phrase in phrases where text.hasPrefix(phrase) {
                let rest = text.dropFirst(phrase.count)
                if rest.isEmpty || rest.first.map({ !$0.isLetter && !$0.isNumber }) == true { return decision }
            }
        }
        return nil
    }
}
