/// The images a new version adds, removes and keeps: `![alt](url)` and `<img src="url">` references.
public struct ImageChanges: Sendable, Equatable {
    public let added: [String]
    public let removed: [String]
    public let unchanged: [String]

    public init(from old: String, to new: String) {
        let before = Self.images(in: old), after = Self.images(in: new)
        added = after.filter { !before.contains($0) }
        removed = before.filter { !after.contains($0) }
        unchanged = after.filter { before.contains($0) }
    }

    static func images(in markdown: String) -> [String] {
        var found: [String] = []
        for match in markdown.matches(of: /!\[[^\]]*\]\(([^)\s]+)[^)]*\)|<img[^>]*\bsrc="([^"]+)"/) {
            if let url = match.output.1 ?? match.output.2, !found.contains(String(url)) { found.append(String(url)) }
        }
        return found
    }
}
