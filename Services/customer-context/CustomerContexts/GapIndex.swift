import Foundation
import KnowledgeIndexing
import Synchronization

/// The embeddings of every gap's tickets in memory, caught up by entry number under the gaps' lock: a
/// ticket's nearest gap is one scan, at 10,000 gaps too, instead of reading every embedding per ticket.
final class GapIndex: Sendable {
    private struct State {
        var vectors = VectorTable()
        var gapOfEntry: [Int64: UUID] = [:]
        var newestEntry: Int64 = 0
    }

    private let state = Mutex(State())

    var newestEntry: Int64 { state.withLock { $0.newestEntry } }

    /// Adds entries read from Postgres; ones already held are skipped, so two catch-ups may overlap.
    func add(_ entries: [(entry: Int64, gap: UUID, embedding: [Float])]) {
        state.withLock { state in
            for (entry, gap, embedding) in entries where entry > state.newestEntry {
                state.newestEntry = entry
                if state.vectors.append(entry, embedding) { state.gapOfEntry[entry] = gap }
            }
        }
    }

    /// The gap holding the ticket nearest to `embedding`, and how alike the two are.
    func nearest(to embedding: [Float]) -> (gap: UUID, similarity: Float)? {
        state.withLock { state in
            state.vectors.nearest(to: embedding, count: 1).first.flatMap { best in
                state.gapOfEntry[best.id].map { (gap: $0, similarity: best.similarity) }
            }
        }
    }
}
