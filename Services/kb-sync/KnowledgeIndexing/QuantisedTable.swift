import CVectorScan
import Foundation

/// Unit vectors under 64-bit ids, each kept as one signed byte per dimension and one scale (its largest
/// magnitude over 127): a million of 256 dimensions in 257 MiB instead of a gigabyte of floats. Stored one
/// dimension after another, so a search reads only the dimensions its query uses — the few buckets of a
/// short question's words under the feature-hashing embedder. Similarities are approximate (within about
/// 0.01): re-rank what it finds against the exact vectors. Rows are appended and marked dead, never moved
/// until `compacted()`.
public struct QuantisedTable: Sendable {
    public private(set) var ids: [Int64] = []
    private var scales: [Float] = []
    private var live: [UInt8] = []
    /// `columns[dimension][row]`.
    private var columns: [[Int8]] = []
    public private(set) var liveCount = 0

    public init() {}

    /// An empty table that takes only vectors of `dimensions`.
    public init(dimensions: Int) {
        columns = Array(repeating: [], count: max(0, dimensions))
    }

    public var dimensions: Int { columns.count }
    public var deadCount: Int { ids.count - liveCount }
    /// What the table holds in memory, in bytes.
    public var bytes: Int { ids.count * (MemoryLayout<Int64>.size + MemoryLayout<Float>.size + 1 + dimensions) }

    /// Appends a row; a vector of another dimension than the first one's is refused (answers false).
    @discardableResult
    public mutating func append(_ id: Int64, _ vector: [Float]) -> Bool {
        if columns.isEmpty { columns = Array(repeating: [], count: vector.count) }
        // Rows are numbered in 32 bits by the scan.
        guard !vector.isEmpty, vector.count == dimensions, ids.count < Int(UInt32.max) else { return false }
        // A NaN or an infinity would poison the row's every similarity: it counts as zero.
        let largest = vector.lazy.filter(\.isFinite).map(abs).max() ?? 0
        let scale = largest / 127 > 0 ? largest / 127 : 1
        for (dimension, value) in vector.enumerated() {
            let code = (value / scale).rounded()
            columns[dimension].append(code.isNaN ? 0 : Int8(code.clamped(-127, 127)))
        }
        ids.append(id)
        scales.append(scale)
        live.append(1)
        liveCount += 1
        return true
    }

    /// Marks dead every live row whose id `keep` refuses.
    public mutating func retain(where keep: (Int64) -> Bool) {
        for row in ids.indices where live[row] != 0 && !keep(ids[row]) {
            live[row] = 0
            liveCount -= 1
        }
    }

    /// The live rows alone.
    public func compacted() -> QuantisedTable {
        var compact = QuantisedTable()
        let rows = ids.indices.filter { live[$0] != 0 }
        compact.ids = rows.map { ids[$0] }
        compact.scales = rows.map { scales[$0] }
        compact.live = Array(repeating: 1, count: rows.count)
        compact.columns = columns.map { column in rows.map { column[$0] } }
        compact.liveCount = rows.count
        return compact
    }

    /// The `count` live rows nearest to `query` by approximate dot product, best first.
    public func nearest(to query: [Float], count: Int) -> [(id: Int64, similarity: Float)] {
        guard !ids.isEmpty, query.count == dimensions, count > 0 else { return [] }
        var scores = [Float](repeating: 0, count: ids.count)
        scores.withUnsafeMutableBufferPointer { scores in
            for (dimension, weight) in query.enumerated() where weight != 0 && weight.isFinite {
                columns[dimension].withUnsafeBufferPointer { column in
                    vector_scan_accumulate(scores.baseAddress, column.baseAddress, weight, column.count)
                }
            }
        }
        let wanted = min(count, liveCount)
        var rows = [UInt32](repeating: 0, count: wanted)
        var similarities = [Float](repeating: 0, count: wanted)
        let found = vector_scan_best(scores, scales, live, ids.count, wanted, &rows, &similarities)
        return (0..<found).map { (ids[Int(rows[$0])], similarities[$0]) }
    }

    // MARK: A file of the table

    /// "KXQT", a version, the dimension and the row count, then the ids, scales, live marks and columns.
    static let magic: [UInt8] = Array("KXQT0001".utf8)

    public struct UnreadableFile: Error, CustomStringConvertible {
        public let description: String
    }

    public func write(to path: String) throws {
        var data = Data(Self.magic)
        withUnsafeBytes(of: UInt64(dimensions).littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(ids.count).littleEndian) { data.append(contentsOf: $0) }
        ids.map(\.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
        scales.map(\.bitPattern.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
        data.append(contentsOf: live)
        for column in columns { column.withUnsafeBytes { data.append(contentsOf: $0) } }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// The table `write(to:)` wrote; a file of another length than its header promises is refused.
    public init(reading path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let header = Self.magic.count + 16
        guard data.count >= header, data.prefix(Self.magic.count).elementsEqual(Self.magic) else {
            throw UnreadableFile(description: "\(path) is not a table of vectors")
        }
        let dimensions = data.integer(at: Self.magic.count), rows = data.integer(at: Self.magic.count + 8)
        let (perRow, rowsOverflow) = dimensions.addingReportingOverflow(8 + 4 + 1)
        let (body, bodyOverflow) = perRow.multipliedReportingOverflow(by: rows)
        guard !rowsOverflow, !bodyOverflow, dimensions > 0, rows < UInt64(UInt32.max), body == UInt64(data.count - header) else {
            throw UnreadableFile(description: "\(path) is cut short or holds more than its header says")
        }
        let count = Int(rows), width = Int(dimensions)
        var offset = header
        func slice(_ length: Int) -> Data {
            defer { offset += length }
            return data.subdata(in: offset..<(offset + length))
        }
        ids = slice(count * 8).withUnsafeBytes { bytes in (0..<count).map { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) } }
        scales = slice(count * 4).withUnsafeBytes { bytes in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        live = [UInt8](slice(count))
        columns = (0..<width).map { _ in slice(count).withUnsafeBytes { Array($0.bindMemory(to: Int8.self)) } }
        liveCount = live.lazy.filter { $0 != 0 }.count
    }
}

extension Data {
    /// The little-endian UInt64 at `offset` (within bounds: the caller checked the length).
    fileprivate func integer(at offset: Int) -> UInt64 {
        subdata(in: offset..<(offset + 8)).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }
}

extension Float {
    fileprivate func clamped(_ lower: Float, _ upper: Float) -> Float { Swift.min(Swift.max(self, lower), upper) }
}
