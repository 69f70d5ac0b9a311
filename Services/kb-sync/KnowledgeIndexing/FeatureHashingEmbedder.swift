import Foundation

/// The embedded embedding: the words that carry meaning (English stop words dropped, plurals folded) and
/// their bigrams hashed into `dimensions` buckets with a sign (feature hashing), weighted 1 + log(count),
/// scaled to unit length. No model, no network; texts that share words and phrases point the same way.
/// Without the stop words, two tickets on one question meet above 0.3 and unrelated ones stay below it
/// (docs/relevance.md, "Grouping").
public struct FeatureHashingEmbedder: Sendable {
    public let dimensions: Int

    public init(dimensions: Int = 256) {
        self.dimensions = max(8, dimensions)
    }

    public func embed(_ text: String) -> [Float] {
        let words = Self.words(text)
        var counts: [UInt64: Int] = [:]
        for word in words { counts[Self.hash(word), default: 0] += 1 }
        for (first, second) in zip(words, words.dropFirst()) { counts[Self.hash(first + " " + second), default: 0] += 1 }
        var vector = [Float](repeating: 0, count: dimensions)
        for (hash, count) in counts {
            let weight = 1 + Float(log(Double(count)))
            vector[Int(hash % UInt64(dimensions))] += hash & (1 << 63) == 0 ? weight : -weight
        }
        let length = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return length > 0 ? vector.map { $0 / length } : vector
    }

    /// Lower-case runs of letters and digits, without stop words, each folded by `singular`.
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init).filter { !stopWords.contains($0) }.map(singular)
    }

    /// Harman's S-stemmer: "policies" → "policy", "invoices" → "invoice", "orders" → "order"; "status" stays.
    static func singular(_ word: String) -> String {
        guard word.count > 3 else { return word }
        if word.hasSuffix("ies"), !word.hasSuffix("eies"), !word.hasSuffix("aies") { return word.dropLast(3) + "y" }
        if word.hasSuffix("es"), !word.hasSuffix("aes"), !word.hasSuffix("ees"), !word.hasSuffix("oes") { return String(word.dropLast()) }
        if word.hasSuffix("s"), !word.hasSuffix("us"), !word.hasSuffix("ss") { return String(word.dropLast()) }
        return word
    }

    /// English function words: they join any two texts and tell nothing of either.
    static let stopWords: Set<String> = Set("""
        a about above after again against all am an and any are as at be because been before being below between both but by \
        can cannot could did do does doing down during each few for from further had has have having he her here hers herself \
        him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or \
        other our ours ourselves out over own same she should so some such than that the their theirs them themselves then \
        there these they this those through to too under until up very was we were what when where which while who whom why \
        will with would you your yours yourself yourselves s t
        """.split(separator: " ").map(String.init))

    /// FNV-1a, 64 bits: stable across processes and releases, unlike `Hasher`.
    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }
}

/// The cosine of two unit vectors: their dot product.
public func cosine(_ a: [Float], _ b: [Float]) -> Float {
    var sum: Float = 0
    for index in 0..<min(a.count, b.count) { sum += a[index] * b[index] }
    return sum
}
