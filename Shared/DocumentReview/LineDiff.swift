/// A line diff between two versions of a document (longest common subsequence), with the changes a
/// reviewer counts: a deleted line followed by an added one is a change, not one of each.
public struct LineDiff: Sendable, Equatable {
    public enum Line: Sendable, Equatable {
        case same(String)
        case added(String)
        case deleted(String)
        case changed(from: String, to: String)
    }

    public let lines: [Line]

    public init(from old: String, to new: String) {
        let a = Self.split(old), b = Self.split(new)
        // lengths[i][j]: the LCS length of a[i...] and b[j...].
        var lengths = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var raw: [Line] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                raw.append(.same(a[i])); i += 1; j += 1
            } else if i < a.count, j == b.count || lengths[i + 1][j] >= lengths[i][j + 1] {
                // Deletions first, so that a replaced line reads as deleted-then-added and pairs as a change.
                raw.append(.deleted(a[i])); i += 1
            } else {
                raw.append(.added(b[j])); j += 1
            }
        }
        lines = Self.pairChanges(raw)
    }

    public var additions: Int { lines.filter { if case .added = $0 { true } else { false } }.count }
    public var deletions: Int { lines.filter { if case .deleted = $0 { true } else { false } }.count }
    public var changes: Int { lines.filter { if case .changed = $0 { true } else { false } }.count }

    /// `N additions, N deletions, N changes`.
    public var summary: String {
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return [count(additions, "addition"), count(deletions, "deletion"), count(changes, "change")]
            .joined(separator: ", ")
    }

    private static func split(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Runs of deletions followed by additions become changes, pair by pair.
    private static func pairChanges(_ raw: [Line]) -> [Line] {
        var result: [Line] = []
        var index = 0
        while index < raw.count {
            var deleted: [String] = [], added: [String] = []
            while index < raw.count, case .deleted(let line) = raw[index] { deleted.append(line); index += 1 }
            while index < raw.count, case .added(let line) = raw[index] { added.append(line); index += 1 }
            if deleted.isEmpty, added.isEmpty {
                result.append(raw[index]); index += 1
                continue
            }
            let paired = min(deleted.count, added.count)
            result += (0..<paired).map { Line.changed(from: deleted[$0], to: added[$0]) }
            result += deleted.dropFirst(paired).map(Line.deleted) + added.dropFirst(paired).map(Line.added)
        }
        return result
    }
}
