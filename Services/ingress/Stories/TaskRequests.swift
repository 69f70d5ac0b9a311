import CodegenRules
import Hummingbird
import KinexusJSON
import StoryRules
import Foundation
import KinexusEvents
import KinexusPostgres
import Logging
import PostgresNIO
import TaskQueries

/// The ingress's record of submitted tasks, read together with codegen's record of their runs.
public struct TaskRequests: Sendable {
    let client: PostgresClient
    let codegen: TaskQueries
    let logger: Logger

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        codegen = TaskQueries(client: client, logger: logger)
        self.logger = logger
    }

    func insert(_ request: CodegenRequested, storyID: UUID?, target: CodegenTarget) async throws {
        try await client.tracedQuery("""
            INSERT INTO stories.task_requests (task_id, message, session_id, story_id, repository, base_branch)
            VALUES (\(UUID(uuidString: request.taskID)), \(request.prompt), \(request.sessionID), \(storyID),
                    \(target.repository), \(target.baseBranch))
            """, logger: logger)
    }

    func delete(_ taskID: String) async throws {
        try await client.tracedQuery("DELETE FROM stories.task_requests WHERE task_id = \(UUID(uuidString: taskID))", logger: logger)
    }

    /// A task as `GET /api/task/{id}` and the console show it.
    public struct TaskStatus: ResponseEncodable, Sendable {
        public let taskID: String
        public internal(set) var status = "pending"
        public let message: String
        public let sessionID: String?
        public let storyID: String?
        public let repository: String
        public let baseBranch: String
        public internal(set) var branch: String?
        public internal(set) var result: JSONValue?
        public internal(set) var error: String?
        public internal(set) var transcript: String?
        public internal(set) var attempts = 0
        public let createdAt: Date
        public internal(set) var startedAt: Date?
        public internal(set) var completedAt: Date?
        /// In lists, where the result is not read; not part of the API's JSON (no coding key).
        public internal(set) var pullRequestURL: String?
        /// What feedback on the pull request became, in order; read for one task only.
        public internal(set) var iterations: [TaskQueries.Iteration] = []
        /// Feedback waiting for the next iteration, or refused.
        public internal(set) var feedback: [TaskQueries.UntakenFeedback] = []

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id", status, message, sessionID = "session_id", storyID = "story_id", repository
            case baseBranch = "base_branch", branch, result, error, transcript, attempts, createdAt = "created_at"
            case startedAt = "started_at", completedAt = "completed_at", iterations, feedback
        }
    }

    func status(_ taskID: UUID) async throws -> TaskStatus? {
        let requests = try await client.tracedQuery("""
            SELECT message, session_id, story_id, repository, base_branch, submitted_at
            FROM stories.task_requests WHERE task_id = \(taskID)
            """, logger: logger)
        var found: TaskStatus?
        for try await (message, session, story, repository, base, submitted)
            in requests.decode((String, String?, UUID?, String, String, Date).self)
        {
            found = TaskStatus(taskID: taskID.lowercased, message: message, sessionID: session, storyID: story?.lowercased,
                               repository: repository, baseBranch: base, createdAt: submitted)
        }
        guard var task = found, let run = try await codegen.run(of: taskID) else { return found }
        task.status = run.status
        task.branch = run.branch
        task.result = run.result
        task.error = run.error
        task.transcript = run.transcript
        task.attempts = run.attempts
        task.startedAt = run.startedAt
        task.completedAt = run.finishedAt
        task.iterations = try await codegen.iterations(of: taskID)
        task.feedback = try await codegen.untakenFeedback(of: taskID)
        return task
    }

    private static let listed = "SELECT r.task_id, r.message, r.session_id, r.story_id, r.repository, r.base_branch, r.submitted_at"

    /// The tasks, newest first (of one story when `storyID` is given): `limit` of them from `bound` (a task's
    /// submission and id), from the newest when nil.
    func list(from bound: PageBound?, limit: Int, storyID: UUID?) async throws -> [TaskStatus] {
        let page = KeysetPage(bound, newestFirst: true, firstID: KeysetPage.anyUUID)
        guard let id = UUID(uuidString: page.id) else { return [] }
        return page.rows(try await withRuns(client.tracedQuery("""
            \(unescaped: Self.listed) FROM stories.task_requests r WHERE (\(storyID)::uuid IS NULL OR r.story_id = \(storyID))
              AND (r.submitted_at, r.task_id) \(unescaped: page.comparison) (\(page.time)::timestamptz, \(id))
            ORDER BY r.submitted_at \(unescaped: page.order), r.task_id \(unescaped: page.order) LIMIT \(limit)
            """, logger: logger)))
    }

    /// Tasks codegen has not finished among the newest 200 asked for, newest first, at most `limit`: what the
    /// home page shows as running (older ones stay on the task list), without reading every task ever asked for.
    func unfinished(limit: Int) async throws -> [TaskStatus] {
        guard let rows = try await client.queryIfTablesExist("""
            \(unescaped: Self.listed)
            FROM (SELECT * FROM stories.task_requests ORDER BY submitted_at DESC LIMIT 200) r
            LEFT JOIN codegen.tasks t ON t.task_id = r.task_id::text
            WHERE t.status IS NULL OR t.status = 'processing' ORDER BY r.submitted_at DESC LIMIT \(limit)
            """, otherwise: """
            \(unescaped: Self.listed) FROM stories.task_requests r ORDER BY r.submitted_at DESC LIMIT \(limit)
            """, logger: logger) else { return [] }
        return try await withRuns(rows)
    }

    /// The requests `rows` lists, each with codegen's run when it has one.
    private func withRuns(_ rows: PostgresRowSequence) async throws -> [TaskStatus] {
        var tasks: [TaskStatus] = []
        for try await (id, message, session, story, repository, base, submitted)
            in rows.decode((UUID, String, String?, UUID?, String, String, Date).self) {
            tasks.append(TaskStatus(taskID: id.lowercased, message: message, sessionID: session, storyID: story?.lowercased,
                                    repository: repository, baseBranch: base, createdAt: submitted))
        }
        let runs = try await codegen.summaries(of: tasks.compactMap { UUID(uuidString: $0.taskID) })
        for index in tasks.indices {
            guard let id = UUID(uuidString: tasks[index].taskID), let run = runs[id] else { continue }
            tasks[index].status = run.status
            tasks[index].branch = run.branch
            tasks[index].attempts = run.attempts
            tasks[index].startedAt = run.startedAt
            tasks[index].completedAt = run.finishedAt
            tasks[index].pullRequestURL = run.pullRequestURL
        }
        return tasks
    }

    /// Agents running now, and work waiting for one: requests codegen has not finished and iterations not
    /// finished, either with no live session, counted in one query over both services' tables.
    func load() async throws -> (active: Int, queued: Int) {
        let rows = try await client.queryIfTablesExist("""
            SELECT (SELECT count(*) FROM codegen.sessions WHERE heartbeat_at > now() - \(TaskQueries.liveSession)::interval)::int,
                   ((SELECT count(*) FROM stories.task_requests r WHERE NOT EXISTS (
                        SELECT 1 FROM codegen.tasks t WHERE t.task_id = r.task_id::text AND (t.status <> 'processing' OR EXISTS (
                            SELECT 1 FROM codegen.sessions s
                            WHERE s.task_id = t.task_id AND s.heartbeat_at > now() - \(TaskQueries.liveSession)::interval))))
                    + (SELECT count(*) FROM codegen.iterations i WHERE i.status IN ('queued', 'processing') AND NOT EXISTS (
                        SELECT 1 FROM codegen.sessions s
                        WHERE s.task_id = i.task_id AND s.heartbeat_at > now() - \(TaskQueries.liveSession)::interval)))::int
            """, logger: logger)
        guard let rows else {
            let waiting = try await client.tracedQuery("SELECT count(*)::int FROM stories.task_requests", logger: logger)
            for try await count in waiting.decode(Int.self) { return (0, count) }
            return (0, 0)
        }
        for try await (active, queued) in rows.decode((Int, Int).self) { return (active, queued) }
        return (0, 0)
    }
}
