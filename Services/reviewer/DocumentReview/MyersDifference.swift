/// The longest common subsequence of two sequences of line numbers by Myers' O((N+M)·D) algorithm in
/// linear space ("An O(ND) Difference Algorithm and Its Variations", 1986, §4b — the middle snake, as git
/// and GNU diff do), with a bound on the search. The standard library's `CollectionDifference` is Myers too
/// and as light on memory, but searches without bound: 24.6 s for two unrelated 20,000-line pages and 4.8 s
/// for 20,000 repeated markdown lines, where this takes 0.12 and 0.15 s (`kinexus bench-diff`, BENCHMARKS.md).
struct MyersDifference {
    /// A search that passes this many differences in one range stops being exact there: the range reads
    /// as removed and added, and the reviewer is not held for seconds by two pages that share nothing.
    static let costLimit = 4_096

    private let old: [Int]
    private let new: [Int]
    private var forward: [Int]
    private var backward: [Int]
    private let offset: Int
    private var kept: [(old: Int, new: Int)] = []

    /// The pairs of positions (in `old`, in `new`) that the two have in common, in order.
    static func commonPositions(_ old: [Int], _ new: [Int]) -> [(old: Int, new: Int)] {
        var search = MyersDifference(old: old, new: new)
        search.compare(old: 0..<old.count, new: 0..<new.count)
        return search.kept
    }

    private init(old: [Int], new: [Int]) {
        self.old = old
        self.new = new
        let bound = min(old.count + new.count, 2 * Self.costLimit) + 1
        offset = bound
        forward = Array(repeating: 0, count: 2 * bound + 2)
        backward = Array(repeating: 0, count: 2 * bound + 2)
    }

    private mutating func compare(old a: Range<Int>, new b: Range<Int>) {
        var a = a, b = b
        var suffix: [(old: Int, new: Int)] = []
        while !a.isEmpty, !b.isEmpty, old[a.lowerBound] == new[b.lowerBound] {
            kept.append((a.lowerBound, b.lowerBound))
            a = a.dropFirst()
            b = b.dropFirst()
        }
        while !a.isEmpty, !b.isEmpty, old[a.upperBound - 1] == new[b.upperBound - 1] {
            suffix.append((a.upperBound - 1, b.upperBound - 1))
            a = a.dropLast()
            b = b.dropLast()
        }
        if !a.isEmpty, !b.isEmpty, let snake = middleSnake(old: a, new: b) {
            compare(old: a.lowerBound..<snake.start.old, new: b.lowerBound..<snake.start.new)
            for step in 0..<(snake.end.old - snake.start.old) {
                kept.append((snake.start.old + step, snake.start.new + step))
            }
            compare(old: snake.end.old..<a.upperBound, new: snake.end.new..<b.upperBound)
        }
        kept += suffix.reversed()
    }

    /// The diagonal run in the middle of a shortest edit script of the two ranges, which splits it into two
    /// halves of half the differences each; nil past `costLimit` differences.
    private mutating func middleSnake(old a: Range<Int>, new b: Range<Int>)
        -> (start: (old: Int, new: Int), end: (old: Int, new: Int))?
    {
        let n = a.count, m = b.count, delta = n - m
        let oddDelta = delta % 2 != 0
        let rounds = min((n + m + 1) / 2, Self.costLimit)
        forward[offset + 1] = 0
        backward[offset + 1] = 0
        for d in 0...rounds {
            for k in stride(from: -d, through: d, by: 2) {
                var x = k == -d || (k != d && forward[offset + k - 1] < forward[offset + k + 1])
                    ? forward[offset + k + 1] : forward[offset + k - 1] + 1
                var y = x - k
                let start = (x, y)
                while x < n, y < m, old[a.lowerBound + x] == new[b.lowerBound + y] { x += 1; y += 1 }
                forward[offset + k] = x
                let reverse = delta - k
                if oddDelta, reverse >= -(d - 1), reverse <= d - 1, x + backward[offset + reverse] >= n {
                    return ((a.lowerBound + start.0, b.lowerBound + start.1), (a.lowerBound + x, b.lowerBound + y))
                }
            }
            for k in stride(from: -d, through: d, by: 2) {
                var x = k == -d || (k != d && backward[offset + k - 1] < backward[offset + k + 1])
                    ? backward[offset + k + 1] : backward[offset + k - 1] + 1
                var y = x - k
                let start = (x, y)
                while x < n, y < m, old[a.upperBound - 1 - x] == new[b.upperBound - 1 - y] { x += 1; y += 1 }
                backward[offset + k] = x
                let reverse = delta - k
                if !oddDelta, reverse >= -d, reverse <= d, x + forward[offset + reverse] >= n {
                    return ((a.upperBound - x, b.upperBound - y), (a.upperBound - start.0, b.upperBound - start.1))
                }
            }
        }
        return nil
    }
}
