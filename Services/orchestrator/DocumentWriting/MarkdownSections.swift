import Foundation

/// A markdown page as its title line and `## ` sections, so an update can replace a section's body and
/// keep everything else as the reviewer last saw it.
struct MarkdownSections: Equatable {
    var preamble: [String]
    var sections: [(heading: String, body: [String])]

    init(_ markdown: String) {
        preamble = []
        sections = []
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("## ") {
                sections.append((String(line.dropFirst(3)), []))
            } else if sections.isEmpty {
                preamble.append(line)
            } else {
                sections[sections.count - 1].body.append(line)
            }
        }
    }

    static func == (lhs: MarkdownSections, rhs: MarkdownSections) -> Bool {
        lhs.markdown == rhs.markdown
    }

    func body(of heading: String) -> String? {
        sections.first { $0.heading == heading }.map { $0.body.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// Sets a section's body, appending the section when the page lacks it.
    mutating func set(_ heading: String, to body: String) {
        let lines = [""] + body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + [""]
        if let index = sections.firstIndex(where: { $0.heading == heading }) {
            sections[index].body = lines
        } else {
            sections.append((heading, lines))
        }
    }

    var markdown: String {
        var lines = preamble
        for section in sections {
            lines.append("## " + section.heading)
            lines += section.body
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }
}
