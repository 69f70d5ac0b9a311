import CodegenRules
import Foundation
import KinexusBus
import KinexusPostgres
import Logging
import PostgresNIO

/// The codegen service's `codegen` tables: tasks, sessions, pull requests.
struct TaskStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static func migrations() throws -> [Migration] {
        try Migration.loadBundled(Bundle.module.url(forResource: "Migrations", withExtension: nil), owner: "codegen")
    }

    /// How a task stands when a delivery of its request arrives.
    enum Start: Sendable, Equatable {
        /// This run owns the task now; `attempt` counts the runs so far, this one included.
        case started(attempt: Int)
        /// An earlier run finished it: nothing is run again.
        case finished(Outcome)
    }

    enum Outcome: Sendable, Equatable {
        case completed(pullRequestURL: String, filesChanged: Int)
        case failed(error: String)
    }

    /// Takes the task for `run`, creating it on its first delivery with its brief and the request's chain,
    /// which its iterations continue; a task already completed or failed is left as it is and its outcome answered.
    func start(_ brief: TaskBrief, repository: String, run: UUID, consumer: String, chain: EventChain) async throws -> Start {
        let tests = String(decoding: try JSONEncoder().encode(brief.acceptanceTests), as: UTF8.self)
        return try await client.transaction(logger: logger) { connection in
            let rows = try await connection.tracedQuery("""
                INSERT INTO codegen.tasks (task_id, story_id, title, repository, base_branch, branch, status, attempts, run_id, consumer,
                                           prompt, acceptance_tests, correlation_id, traceparent, tracestate)
                VALUES (\(brief.taskID), \(brief.storyID), \(brief.title), \(repository), \(brief.baseBranch), \(brief.branch),
                        'processing', 1, \(run), \(consumer), \(brief.objective), \(tests)::jsonb, \(chain.correlationID),
                        \(chain.traceparent), \(chain.tracestate))
                ON CONFLICT (task_id) DO UPDATE SET
                    attempts = codegen.tasks.attempts + 1, run_id = excluded.run_id, consumer = excluded.consumer,
                    started_at = now(), updated_at = now()
                    WHERE codegen.tasks.status = 'processing'
                RETURNING attempts
                """, logger: logger)
            var taken: Int?
            for try await attempts in rows.decode(Int.self) { taken = attempts }
            if let taken {
                // A dead run's session goes: this run owns the task now.
                try await connection.tracedQuery("DELETE FROM codegen.sessions WHERE task_id = \(brief.taskID)", logger: logger)
                try await connection.tracedQuery("""
                    INSERT INTO codegen.sessions (run_id, task_id, consumer) VALUES (\(run), \(brief.taskID), \(consumer))
                    """, logger: logger)
                return .started(attempt: taken)
            }
            let finished = try await connection.tracedQuery("""
                SELECT status, coalesce(result->'pull_request'->>'url', ''), coalesce((result->'pull_request'->>'files_changed')::int, 0),
                       coalesce(error, '')
                FROM codegen.tasks WHERE task_id = \(brief.taskID)
                """, logger: logger)
            for try await (status, url, files, error) in finished.decode((String, String, Int, String).self) {
                return .finished(status == "completed" ? .completed(pullRequestURL: url, filesChanged: files) : .failed(error: error))
            }
            throw TaskVanished(taskID: brief.taskID)
        }
    }

    struct TaskVanished: Error, CustomStringConvertible {
        let taskID: String
        var description: String { "task \(taskID) was neither inserted nor found" }
    }

    /// Marks the run's session alive.
    /// The transcript so far of a task this run still owns and has not finished; false when it does not.
    func keepTranscript(taskID: String, run: UUID, transcript: String) async throws -> Bool {
        let rows = try await client.tracedQuery("""
            UPDATE codegen.tasks SET transcript = \(transcript), updated_at = now()
            WHERE task_id = \(taskID) AND run_id = \(run) AND status = 'processing' RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    func heartbeat(run: UUID) async throws {
        try await client.tracedQuery("UPDATE codegen.sessions SET heartbeat_at = now() WHERE run_id = \(run)", logger: logger)
    }

    /// Ends the run's session without an outcome: the task is left for another delivery.
    func abandon(run: UUID) async throws {
        try await client.tracedQuery("DELETE FROM codegen.sessions WHERE run_id = \(run)", logger: logger)
    }

    /// The pull request as recorded, whichever host opened it.
    struct PullRequestRecord: Sendable {
        let repository: String
        let title: String
        let body: String
        let url: String?
        let externalNumber: Int?
        let diffStat: DiffStat

        init(repository: String, title: String, body: String, url: String?, externalNumber: Int?, diffStat: DiffStat) {
            self.repository = repository
            self.title = title
            self.body = body
            self.url = url
            self.externalNumber = externalNumber
            self.diffStat = diffStat
        }
    }

    /// Records the run's pull request and completes the task; answers the pull request's address, or nil
    /// when the task had been taken by another run meanwhile (which then owns the outcome). A local pull
    /// request's address is `localURL` of its number.
    func complete(
        _ brief: TaskBrief, run: UUID, pullRequest: PullRequestRecord, localURL: @Sendable (Int64) -> String, transcript: String
    ) async throws -> String? {
        try await client.transaction(logger: logger) { connection -> String? in
            guard try await own(brief.taskID, run: run, on: connection) else { return nil }
            let stat = pullRequest.diffStat
            let rows = try await connection.tracedQuery("""
                INSERT INTO codegen.pull_requests (task_id, repository, branch, base_branch, title, body, url, external_number,
                                                   files, files_changed, insertions, deletions, diff_stat)
                VALUES (\(brief.taskID), \(pullRequest.repository), \(brief.branch), \(brief.baseBranch), \(pullRequest.title),
                        \(pullRequest.body), \(pullRequest.url), \(pullRequest.externalNumber), \(stat.files),
                        \(stat.filesChanged), \(stat.insertions), \(stat.deletions), \(stat.summary))
                ON CONFLICT (task_id) DO UPDATE SET
                    url = excluded.url, external_number = excluded.external_number, body = excluded.body, files = excluded.files,
                    files_changed = excluded.files_changed, insertions = excluded.insertions, deletions = excluded.deletions,
                    diff_stat = excluded.diff_stat
                RETURNING number
                """, logger: logger)
            var number: Int64 = 0
            for try await value in rows.decode(Int64.self) { number = value }
            let url = pullRequest.url ?? localURL(number)
            try await connection.tracedQuery("UPDATE codegen.pull_requests SET url = \(url) WHERE number = \(number)", logger: logger)
            let result = TaskResult(branch: brief.branch, pullRequest: TaskResult.PullRequest(
                url: url, number: pullRequest.externalNumber, diffStat: pullRequest.diffStat))
            try await connection.tracedQuery("""
                UPDATE codegen.tasks SET status = 'completed', result = \(String(decoding: try JSONEncoder().encode(result), as: UTF8.self))::jsonb,
                    transcript = \(transcript), error = NULL, finished_at = now(), updated_at = now()
                WHERE task_id = \(brief.taskID)
                """, logger: logger)
            try await connection.tracedQuery("DELETE FROM codegen.sessions WHERE run_id = \(run)", logger: logger)
            return url
        }
    }

    /// Records the run's failure; answers false when another run owns the task.
    func fail(taskID: String, run: UUID, error: String, transcript: String) async throws -> Bool {
        try await client.transaction(logger: logger) { connection in
            guard try await own(taskID, run: run, on: connection) else { return false }
            try await connection.tracedQuery("""
                UPDATE codegen.tasks SET status = 'failed', error = \(error), transcript = \(transcript),
                    finished_at = now(), updated_at = now()
                WHERE task_id = \(taskID)
                """, logger: logger)
            try await connection.tracedQuery("DELETE FROM codegen.sessions WHERE run_id = \(run)", logger: logger)
            return true
        }
    }

    /// Locks the task's row and answers whether `run` still owns it.
    private func own(_ taskID: String, run: UUID, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.tracedQuery("""
            SELECT 1 FROM codegen.tasks WHERE task_id = \(taskID) AND run_id = \(run) AND status = 'processing' FOR UPDATE
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }
}

/// What `GET /api/task/{id}` shows as a completed task's result.
struct TaskResult: Encodable {
    struct PullRequest: Encodable {
        let url: String
        let number: Int?
        let diffStat: DiffStat

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(url, forKey: .url)
            try container.encodeIfPresent(number, forKey: .number)
            try diffStat.encode(to: encoder)
        }

        enum CodingKeys: String, CodingKey { case url, number }
    }

    let branch: String
    let pullRequest: PullRequest

    enum CodingKeys: String, CodingKey {
        case branch, pullRequest = "pull_request"
    }
}
