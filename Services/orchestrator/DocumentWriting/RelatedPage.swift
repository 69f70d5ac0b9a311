/// A published page a change may belong to: updating it beats writing a second page on the same subject.
public struct RelatedPage: Sendable, Equatable {
    public let title: String
    public let markdown: String

    public init(title: String, markdown: String) {
        self.title = title
        self.markdown = markdown
    }
}

/// The offline rule for "update or create": a page is related when three quarters of its title's keywords, and at
/// least two, appear in the change's summary and components. One shared word ("API") is not enough.
public enum KeywordOverlap {
    static let stopWords: Set<String> = [
        "the", "and", "for", "with", "from", "into", "that", "this", "are", "was", "were", "will", "new", "add",
        "adds", "added", "use", "uses", "using", "via", "when", "how", "why", "what", "not", "all", "can", "our",
        "your", "its", "has", "have", "should", "must", "make", "support", "update", "updated", "fix", "fixed",
    ]

    public static func keywords(_ text: String) -> Set<String> {
        Set(text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
            .filter { $0.count >= 3 && !stopWords.contains($0) })
    }

    /// The share of the page title's keywords found in the change's words.
    public static func score(changeWords: Set<String>, title: String) -> Double {
        let titleWords = keywords(title)
        let shared = titleWords.intersection(changeWords)
        guard shared.count >= 2 else { return 0 }
        return Double(shared.count) / Double(titleWords.count)
    }

    public static func choose(for summary: String, components: [String], among pages: [RelatedPage]) -> RelatedPage? {
        let words = keywords(([summary] + components).joined(separator: " "))
        let scored = pages.map { ($0, score(changeWords: words, title: $0.title)) }.filter { $0.1 >= 0.75 }
        return scored.max { $0.1 < $1.1 }?.0
    }
}
