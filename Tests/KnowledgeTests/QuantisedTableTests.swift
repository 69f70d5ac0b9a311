import Foundation
import KnowledgeIndexing
import Testing

/// The 8-bit table the embedding index scans: it ranks as the exact scan does up to near ties, forgets the rows
/// it is told to, and comes back from its file as it was written.
struct QuantisedTableTests {
    /// Unit vectors around 30 centres, as embeddings of texts on a few topics fall.
    static func vectors(_ count: Int, dimensions: Int, seed: UInt64) -> [[Float]] {
        var state = seed
        func unit() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        let centres = (0..<30).map { _ in (0..<dimensions).map { _ in unit() } }
        return (0..<count).map { row in
            let vector = centres[row % centres.count].map { $0 + unit() * 0.8 }
            let length = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return vector.map { $0 / length }
        }
    }

    static func tables(of vectors: [[Float]]) -> (QuantisedTable, VectorTable) {
        var quantised = QuantisedTable(), exact = VectorTable()
        for (row, vector) in vectors.enumerated() {
            quantised.append(Int64(row + 1), vector)
            exact.append(Int64(row + 1), vector)
        }
        return (quantised, exact)
    }

    @Test func itsSimilaritiesAreWithinAHundredthAndItsHundredBestHoldTheExactTen() {
        let (quantised, exact) = Self.tables(of: Self.vectors(5_000, dimensions: 64, seed: 7))
        for query in Self.vectors(50, dimensions: 64, seed: 99) {
            let approximate = quantised.nearest(to: query, count: 100)
            let truth = exact.nearest(to: query, count: 10)
            #expect(Set(truth.map(\.id)).isSubset(of: Set(approximate.map(\.id))))
            let exactSimilarity = Dictionary(uniqueKeysWithValues: exact.nearest(to: query, count: 5_000).map { ($0.id, $0.similarity) })
            #expect(approximate.allSatisfy { abs($0.similarity - (exactSimilarity[$0.id] ?? 9)) < 0.01 })
            #expect(approximate.map(\.similarity) == approximate.map(\.similarity).sorted(by: >))
        }
    }

    @Test func aSparseQueryReadsOnlyItsDimensionsAndFindsTheSame() {
        var table = QuantisedTable()
        table.append(1, [0.6, 0, 0.8, 0])
        table.append(2, [0, 1, 0, 0])
        table.append(3, [0.8, 0, 0, 0.6])
        #expect(table.nearest(to: [1, 0, 0, 0], count: 3).map(\.id) == [3, 1, 2])
        #expect(table.nearest(to: [0, 0, 0, 0], count: 2).count == 2)
    }

    @Test func deadRowsAreNeverFoundAndCompactionKeepsTheLiveOnes() {
        let stored = Self.vectors(500, dimensions: 32, seed: 3)
        var (table, _) = Self.tables(of: stored)
        #expect(table.nearest(to: stored[41], count: 1).first?.id == 42)
        table.retain { $0 != 42 }
        #expect(!table.nearest(to: stored[41], count: 500).contains { $0.id == 42 })
        #expect(table.liveCount == 499 && table.deadCount == 1)
        let compact = table.compacted()
        #expect(compact.ids.count == 499 && compact.deadCount == 0)
        for query in stored.prefix(10) {
            #expect(compact.nearest(to: query, count: 10).map(\.id) == table.nearest(to: query, count: 10).map(\.id))
        }
    }

    @Test func itComesBackFromItsFileAndRefusesOneCutShortOrOfAnotherKind() throws {
        let stored = Self.vectors(800, dimensions: 48, seed: 5)
        var (table, _) = Self.tables(of: stored)
        table.retain { $0 != 3 }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("table-\(UUID()).vectors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try table.write(to: path)
        let read = try QuantisedTable(reading: path)
        #expect(read.ids == table.ids && read.liveCount == 799 && read.dimensions == 48 && read.bytes == table.bytes)
        for query in stored.prefix(20) {
            #expect(read.nearest(to: query, count: 10).map(\.id) == table.nearest(to: query, count: 10).map(\.id))
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for broken in [bytes.prefix(bytes.count - 1), bytes.prefix(20), bytes + Data([0]), Data("not a table".utf8),
                       Data(bytes.prefix(8)) + Data(repeating: 0xff, count: 16)] {
            try Data(broken).write(to: URL(fileURLWithPath: path))
            #expect(throws: QuantisedTable.UnreadableFile.self) { try QuantisedTable(reading: path) }
        }
        #expect(throws: (any Error).self) { try QuantisedTable(reading: path + ".missing") }
    }

    @Test func vectorsOfAnotherDimensionAreRefusedAndOnesNotFiniteCountAsZero() {
        var table = QuantisedTable()
        let appended = [
            table.append(1, [1, 0, 0, 0]), table.append(2, [1, 0]), table.append(3, [.nan, .infinity, 0, 1]),
            table.append(4, [0, 0, 0, 0]), table.append(5, [.leastNonzeroMagnitude, 0, 0, 0]),
        ]
        #expect(appended == [true, false, true, true, true])
        #expect(table.nearest(to: [0, 0, 0, 1], count: 1).map(\.id) == [3])
        #expect(table.nearest(to: [1, 0], count: 2).isEmpty)
        #expect(table.nearest(to: [.nan, 0, 0, 1], count: 1).map(\.id) == [3])
        #expect(QuantisedTable().nearest(to: [], count: 3).isEmpty)
    }
}
