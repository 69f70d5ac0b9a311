import DocumentReview
import Testing

struct LargeDiffTests {
    static func page(_ lines: Int) -> [String] {
        (0..<lines).map { "Line \($0) of the runbook: restart the worker, then check the queue." }
    }

    /// Both texts, read back from the diff: what the reviewer sees must be exactly the two versions.
    static func sides(_ diff: LineDiff) -> (old: [String], new: [String]) {
        var old: [String] = [], new: [String] = []
        for line in diff.lines {
            switch line {
            case .same(let text): old.append(text); new.append(text)
            case .deleted(let text): old.append(text)
            case .added(let text): new.append(text)
            case .changed(let from, let to): old.append(from); new.append(to)
            }
        }
        return (old, new)
    }

    @Test func aTwentyThousandLinePageAgainstItsNextVersion() {
        let old = Self.page(20_000)
        var new = old
        for index in stride(from: 0, to: new.count, by: 50) { new[index] += " (revised)" }
        new.insert(contentsOf: (0..<100).map { "An inserted step \($0)." }, at: 10_001)
        new.removeSubrange(15_001..<15_101)
        let diff = LineDiff(from: old.joined(separator: "\n"), to: new.joined(separator: "\n"))
        #expect(Self.sides(diff).old == old)
        #expect(Self.sides(diff).new == new)
        #expect(diff.changes == 398)
        #expect(diff.additions == 100)
        #expect(diff.deletions == 100)
    }

    @Test func twoUnrelatedTwentyThousandLinePages() {
        let old = Self.page(20_000), new = old.map { $0 + " Rewritten." }
        let diff = LineDiff(from: old.joined(separator: "\n"), to: new.joined(separator: "\n"))
        #expect(diff.changes == 20_000)
        #expect(Self.sides(diff).new == new)
    }

    @Test func pagesOfRepeatedLinesInAnotherOrder() {
        let old = (0..<20_000).map { ["", "---", "- step"][$0 % 3] }, new = Array(old.reversed().dropFirst(7))
        let diff = LineDiff(from: old.joined(separator: "\n"), to: new.joined(separator: "\n"))
        #expect(Self.sides(diff).old == old)
        #expect(Self.sides(diff).new == new)
    }

    /// Keeps as many lines as a longest common subsequence does, on small random texts checked against
    /// the quadratic table.
    @Test func keepsALongestCommonSubsequence() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let old = (0..<Int.random(in: 0...30, using: &generator)).map { _ in "\(Int.random(in: 0..<4, using: &generator))" }
            let new = (0..<Int.random(in: 0...30, using: &generator)).map { _ in "\(Int.random(in: 0..<4, using: &generator))" }
            let diff = LineDiff(from: old.joined(separator: "\n"), to: new.joined(separator: "\n"))
            let kept = diff.lines.filter { if case .same = $0 { true } else { false } }.count
            #expect(kept == Self.longestCommonSubsequence(old, new), "\(old) → \(new)")
            #expect(Self.sides(diff).old == old && Self.sides(diff).new == new)
        }
    }

    static func longestCommonSubsequence(_ a: [String], _ b: [String]) -> Int {
        var lengths = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in a.indices.reversed() {
            for j in b.indices.reversed() {
                lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        return lengths[0][0]
    }
}
