import Foundation

/// The embedded embedding: word unigrams and bigrams hashed into `dimensions` buckets with a sign
/// (feature hashing), weighted 1 + log(count), scaled to unit length. No model, no network; texts that share
/// words and phrases point the same way.
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

    /// Lower-case runs of letters and digits.
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

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
