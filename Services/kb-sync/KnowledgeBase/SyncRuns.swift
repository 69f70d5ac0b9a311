import Foundation
import KinexusPostgres
import Logging
import PostgresNIO

/// kb-sync's full syncs: requests attach to the queued run, and one run executes at a time across all
/// replicas, under a session lock whose holder dies with its connection.
struct SyncRuns: Sendable {
    let client: PostgresClient
    let logger: Logger

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    struct Counts: Sendable, Equatable {
        var indexed = 0
        var unchanged = 0
        var deleted = 0
        var chunks = 0

        init() {}
    }

    /// Attaches the job to the queued run, creating one when none is queued; a job already attached to a
    /// run that did not fail stays where it is.
    func attach(_ job: UUID) async throws {
        try await client.transaction(logger: logger) { connection in
            try await connection.tracedQuery("SELECT pg_advisory_xact_lock(hashtextextended('kinexus.kb.sync-queue', 0))", logger: logger)
            let attached = try await connection.tracedQuery("""
                SELECT r.status FROM kb.sync_jobs j JOIN kb.sync_runs r USING (run_id) WHERE j.job_id = \(job)
                """, logger: logger)
            var status: String?
            for try await found in attached.decode(String.self) { status = found }
            if let status, status != "failed" { return }
            var queued: UUID?
            for try await run in try await connection.tracedQuery(
                "SELECT run_id FROM kb.sync_runs WHERE status = 'queued' ORDER BY created_at LIMIT 1", logger: logger
            ).decode(UUID.self) { queued = run }
            let run = queued ?? UUID()
            if queued == nil {
                try await connection.tracedQuery("INSERT INTO kb.sync_runs (run_id, status) VALUES (\(run), 'queued')", logger: logger)
            }
            try await connection.tracedQuery("""
                INSERT INTO kb.sync_jobs (job_id, run_id) VALUES (\(job), \(run))
                ON CONFLICT (job_id) DO UPDATE SET run_id = excluded.run_id, attached_at = now()
                """, logger: logger)
        }
    }

    /// Runs `body` holding the runner's lock; false, without running it, when another holds it.
    func whileRunner(_ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        try await client.withConnection { connection in
            var locked = false
            for try await acquired in try await connection.tracedQuery(
                "SELECT pg_try_advisory_lock(hashtextextended('kinexus.kb.sync-runner', 0))", logger: logger
            ).decode(Bool.self) { locked = acquired }
            guard locked else { return false }
            do {
                try await body()
            } catch {
                _ = try? await connection.tracedQuery("SELECT pg_advisory_unlock(hashtextextended('kinexus.kb.sync-runner', 0))", logger: logger)
                throw error
            }
            try await connection.tracedQuery("SELECT pg_advisory_unlock(hashtextextended('kinexus.kb.sync-runner', 0))", logger: logger)
            return true
        }
    }

    /// With the runner's lock held, a run still marked running belongs to a runner that died: it is queued
    /// again, so its jobs are served after all.
    func requeueAbandoned() async throws {
        try await client.tracedQuery(
            "UPDATE kb.sync_runs SET status = 'queued', consumer = NULL, started_at = NULL WHERE status = 'running'", logger: logger)
    }

    /// Marks the oldest queued run running and answers it.
    func takeQueued(consumer: String) async throws -> UUID? {
        let rows = try await client.tracedQuery("""
            UPDATE kb.sync_runs SET status = 'running', started_at = now(), consumer = \(consumer)
            WHERE run_id = (SELECT run_id FROM kb.sync_runs WHERE status = 'queued' ORDER BY created_at LIMIT 1)
            RETURNING run_id
            """, logger: logger)
        for try await run in rows.decode(UUID.self) { return run }
        return nil
    }

    func hasQueued() async throws -> Bool {
        for try await _ in try await client.tracedQuery("SELECT 1 FROM kb.sync_runs WHERE status = 'queued' LIMIT 1", logger: logger) {
            return true
        }
        return false
    }

    /// Records the run's end and answers the jobs it served.
    func finish(_ run: UUID, counts: Counts?, error: String?) async throws -> [UUID] {
        try await client.tracedQuery("""
            UPDATE kb.sync_runs SET status = \(error == nil ? "completed" : "failed"), finished_at = now(),
                sources_indexed = \(counts?.indexed ?? 0), sources_unchanged = \(counts?.unchanged ?? 0),
                sources_deleted = \(counts?.deleted ?? 0), chunks_indexed = \(counts?.chunks ?? 0), error = \(error)
            WHERE run_id = \(run)
            """, logger: logger)
        var jobs: [UUID] = []
        for try await job in try await client.tracedQuery("SELECT job_id FROM kb.sync_jobs WHERE run_id = \(run)", logger: logger)
            .decode(UUID.self) { jobs.append(job) }
        return jobs
    }
}
