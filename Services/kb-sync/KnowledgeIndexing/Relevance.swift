/// How well a chunk answers a query, absolute in [0, 1], where fusion's score only tells the order: the mean
/// of the lexical coverage (the share of the query's English lexemes, stemmed and without stop words, that
/// the chunk holds) and the embedding's cosine, a negative one counting as 0. docs/relevance.md has the
/// calibration on the demo knowledge base and the floors chosen from it.
public enum Relevance {
    public static func of(coverage: Double, similarity: Float) -> Double {
        let lexical = coverage.isFinite ? min(max(coverage, 0), 1) : 0
        let semantic = similarity.isFinite ? min(max(Double(similarity), 0), 1) : 0
        return ((lexical + semantic) / 2 * 1000).rounded() / 1000
    }
}
