/// Reciprocal rank fusion: each ranking gives an item 1 / (k + rank); the sums are scaled by the best
/// possible sum (first in every ranking), so scores fall in (0, 1].
public enum RankFusion {
    public static func fuse<ID: Hashable>(_ rankings: [[ID]], k: Double = 60) -> [(id: ID, score: Double)] {
        guard !rankings.isEmpty else { return [] }
        var sums: [ID: Double] = [:]
        var firstSeen: [ID: Int] = [:]
        var order = 0
        for ranking in rankings {
            for (rank, id) in ranking.enumerated() {
                sums[id, default: 0] += 1 / (k + Double(rank + 1))
                if firstSeen[id] == nil {
                    firstSeen[id] = order
                    order += 1
                }
            }
        }
        let best = Double(rankings.count) / (k + 1)
        return sums.map { (id: $0.key, score: $0.value / best) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : firstSeen[$0.id]! < firstSeen[$1.id]! }
    }
}
