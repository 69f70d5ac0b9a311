import Foundation
import Hummingbird
import KinexusPostgres
import Logging
import PostgresNIO

/// A full sync as `GET /kb/sync/{job}` shows it: queued until kb-sync has taken it, then its run's state.
public struct SyncJobStatus: ResponseEncodable, Sendable {
    public let jobID: String
    public internal(set) var status = "queued"
    public let requestedAt: Date
    public internal(set) var startedAt: Date?
    public internal(set) var finishedAt: Date?
    public internal(set) var sourcesIndexed = 0
    public internal(set) var sourcesUnchanged = 0
    public internal(set) var sourcesDeleted = 0
    public internal(set) var chunksIndexed = 0
    public internal(set) var error: String?

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id", status, requestedAt = "requested_at", startedAt = "started_at", finishedAt = "finished_at"
        case sourcesIndexed = "sources_indexed", sourcesUnchanged = "sources_unchanged", sourcesDeleted = "sources_deleted"
        case chunksIndexed = "chunks_indexed", error
    }

    static func read(_ job: UUID, requestedAt: Date, postgres: PostgresClient, logger: Logger) async throws -> SyncJobStatus {
        var answer = SyncJobStatus(jobID: job.uuidString.lowercased(), requestedAt: requestedAt)
        // Until kb-sync has created its tables, the job is queued.
        guard let rows = try await postgres.queryIfTablesExist("""
            SELECT r.status, r.started_at, r.finished_at, r.sources_indexed, r.sources_unchanged, r.sources_deleted,
                   r.chunks_indexed, r.error
            FROM kb.sync_jobs j JOIN kb.sync_runs r USING (run_id) WHERE j.job_id = \(job)
            """, logger: logger) else { return answer }
        for try await (status, started, finished, indexed, unchanged, deleted, chunks, error)
            in rows.decode((String, Date?, Date?, Int, Int, Int, Int, String?).self)
        {
            answer.status = status
            answer.startedAt = started
            answer.finishedAt = finished
            answer.sourcesIndexed = indexed
            answer.sourcesUnchanged = unchanged
            answer.sourcesDeleted = deleted
            answer.chunksIndexed = chunks
            answer.error = error
        }
        return answer
    }
}
