/// Vectors of one dimension under 64-bit ids, searched by a full scan for the nearest by dot product (the
/// cosine of unit vectors): the knowledge base's chunks, the tickets of knowledge gaps. Rows are appended and
/// marked dead, never moved, so ids keep their rows.
public struct VectorTable: Sendable {
    public private(set) var ids: [Int64] = []
    private var vectors: [Float] = []
    public private(set) var dimensions = 0
    private var live: [Bool] = []

    public init() {}

    public var deadCount: Int { live.lazy.filter { !$0 }.count }

    /// Appends a row; a vector of another dimension than the first one's is refused (answers false).
    @discardableResult
    public mutating func append(_ id: Int64, _ vector: [Float]) -> Bool {
        if dimensions == 0 { dimensions = vector.count }
        guard dimensions > 0, vector.count == dimensions else { return false }
        ids.append(id)
        vectors += vector
        live.append(true)
        return true
    }

    /// Marks dead every live row whose id `keep` refuses.
    public mutating func retain(where keep: (Int64) -> Bool) {
        for row in ids.indices where live[row] && !keep(ids[row]) { live[row] = false }
    }

    /// The `count` live rows nearest to `query`, best first.
    public func nearest(to query: [Float], count: Int) -> [(id: Int64, similarity: Float)] {
        guard dimensions > 0, query.count == dimensions, count > 0 else { return [] }
        // Sixteen lanes at a time: the dot products are the whole cost of a search.
        let lanes = dimensions / 16
        let queryLanes = (0..<lanes).map { lane in SIMD16<Float>(query[(lane * 16)..<(lane * 16 + 16)]) }
        var best: [(id: Int64, similarity: Float)] = []
        vectors.withUnsafeBytes { vectors in
            for row in 0..<ids.count where live[row] {
                let offset = row * dimensions * MemoryLayout<Float>.stride
                var lanesSum = SIMD16<Float>()
                for lane in 0..<lanes {
                    lanesSum += vectors.loadUnaligned(fromByteOffset: offset + lane * 64, as: SIMD16<Float>.self) * queryLanes[lane]
                }
                var sum = lanesSum.sum()
                for column in (lanes * 16)..<dimensions {
                    sum += vectors.loadUnaligned(fromByteOffset: offset + column * 4, as: Float.self) * query[column]
                }
                if best.count < count {
                    best.append((ids[row], sum))
                    if best.count == count { best.sort { $0.similarity > $1.similarity } }
                } else if sum > best[count - 1].similarity {
                    var position = count - 1
                    while position > 0, best[position - 1].similarity < sum { position -= 1 }
                    best.insert((ids[row], sum), at: position)
                    best.removeLast()
                }
            }
        }
        return best.sorted { $0.similarity > $1.similarity }
    }
}
