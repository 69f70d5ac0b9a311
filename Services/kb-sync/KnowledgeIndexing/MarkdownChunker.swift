import Foundation

/// One piece of a document as it is indexed: its text, with the headings above it.
public struct Chunk: Sendable, Equatable {
    /// The headings it sits under, outermost first: `Refunds › Eligibility`.
    public let heading: String
    public let text: String
    public let position: Int
}

/// Splits markdown at its headings, so a heading stays with its text, then cuts long sections into windows
/// of at most `size` characters that overlap by `overlap`, at word boundaries. Headings inside fenced code
/// are code, not headings.
public struct MarkdownChunker: Sendable {
    public let size: Int
    public let overlap: Int

    public init(size: Int = 1200, overlap: Int = 200) {
        self.size = max(100, size)
        self.overlap = min(max(0, overlap), self.size / 2)
    }

    struct Section {
        var headings: [String]
        var lines: [Substring] = []
    }

    public func chunks(of markdown: String, title: String? = nil) -> [Chunk] {
        var sections: [Section] = [Section(headings: title.map { [$0] } ?? [])]
        var path: [(level: Int, text: String)] = title.map { [(0, $0)] } ?? []
        var fence: Substring?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if let open = fence {
                if trimmed.hasPrefix(open) { fence = nil }
            } else if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = trimmed.prefix(3)
            } else if let (level, text) = Self.heading(line) {
                path.removeAll { $0.level >= level }
                // The document's title is the outermost heading; a level-1 heading equal to it is not repeated.
                if !(level == 1 && path.count == 1 && path[0].level == 0 && path[0].text == text) {
                    path.append((level, text))
                }
                sections.append(Section(headings: path.map(\.text)))
                continue
            }
            sections[sections.count - 1].lines.append(line)
        }
        var chunks: [Chunk] = []
        for section in sections {
            let body = section.lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !body.isEmpty else { continue }
            let heading = section.headings.joined(separator: " › ")
            for window in windows(body) {
                chunks.append(Chunk(heading: heading, text: window, position: chunks.count))
            }
        }
        return chunks
    }

    /// `## Title` → (2, "Title"); nil for anything else (`#hashtag`, more than six `#`).
    static func heading(_ line: Substring) -> (Int, String)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        let text = rest.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "#"))
            .trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : (hashes, text)
    }

    /// Windows of at most `size` characters, each starting `size - overlap` after the last, cut at spaces.
    func windows(_ text: String) -> [String] {
        let characters = Array(text)
        guard characters.count > size else { return [text] }
        var windows: [String] = []
        var start = 0
        while start < characters.count {
            var end = min(start + size, characters.count)
            if end < characters.count, let space = characters[(start + size / 2)..<end].lastIndex(where: \.isWhitespace) {
                end = space
            }
            windows.append(String(characters[start..<end]).trimmingCharacters(in: .whitespacesAndNewlines))
            guard end < characters.count else { break }
            var next = max(end - overlap, start + 1)
            // Start at a word.
            while next < end, !characters[next - 1].isWhitespace { next += 1 }
            start = next
        }
        return windows.filter { !$0.isEmpty }
    }
}
