/// A line diff between two versions of a document (a shortest edit script), with the changes a
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
        var raw: [Line] = []
        var i = 0, j = 0
        for (keptOld, keptNew) in Self.commonLines(a, b) + [(a.count, b.count)] {
            // Deletions first, so that a replaced line reads as deleted-then-added and pairs as a change.
            raw += a[i..<keptOld].map(Line.deleted) + b[j..<keptNew].map(Line.added)
            if keptOld < a.count { raw.append(.same(a[keptOld])) }
            (i, j) = (keptOld + 1, keptNew + 1)
        }
        lines = Self.pairChanges(raw)
    }

    /// The line positions the two versions share. A line found in only one of them can never be shared,
    /// so it is left out of the search (as git does): a rewritten page costs a pass, not a search.
    private static func commonLines(_ a: [String], _ b: [String]) -> [(Int, Int)] {
        var numbers: [String: Int] = [:]
        let oldNumbers = a.map { line in
            if let number = numbers[line] { return number }
            numbers[line] = numbers.count
            return numbers.count - 1
        }
        let newNumbers = b.map { line in numbers[line] ?? -1 }
        let shared = Set(oldNumbers).intersection(newNumbers)
        let oldShared = oldNumbers.indices.filter { shared.contains(oldNumbers[$0]) }
        let newShared = newNumbers.indices.filter { shared.contains(newNumbers[$0]) }
        return MyersDifference.commonPositions(oldShared.map { oldNumbers[$0] }, newShared.map { newNumbers[$0] })
            .map { (oldShared[$0.old], newShared[$0.new]) }
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
