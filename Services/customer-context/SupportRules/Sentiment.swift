/// Sentiment in [-1, 1].
public enum Sentiment {
    /// A feedback rating (1–5) as the sentiment of the interaction it becomes: 1 → -1, 3 → 0, 5 → 1.
    public static func of(rating: Int) -> Double {
        Double(min(max(rating, 1), 5) - 3) / 2
    }

    /// The mean, rounded to two decimals; nil without sentiments.
    public static func average(_ sentiments: [Double]) -> Double? {
        guard !sentiments.isEmpty else { return nil }
        let mean = sentiments.reduce(0, +) / Double(sentiments.count)
        return (mean * 100).rounded() / 100
    }
}
