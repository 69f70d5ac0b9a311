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
struct TaskRequests: Sendable {
    let client: PostgresClient
    let codegen: TaskQueries
    let logger: Logger

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        codegen = TaskQueries(client: client, logger: logger)
        self.logger = logger
    }

    func insert(_ request: CodegenRequested, storyID: UUID?, target: CodegenTarget) async throws {
        try await client.query("""
            INSERT INTO stories.task_requests (task_id, message, session_id, story_id, repository, base_branch)
            VALUES (\(UUID(uuidString: request.taskID)), \(request.prompt), \(request.sessionID), \(storyID),
                    \(target.repository), \(target.baseBranch))
            """, logger: logger)
    }

    func delete(_ taskID: String) async throws {
        try await client.query("DELETE FROM stories.task_requests WHERE task_id = \(UUID(uuidString: taskID))", logger: logger)
    }

    /// A task as `GET /api/task/{id}` shows it.
    struct TaskStatus: ResponseEncodable {
        let taskID: String
        var status = "pending"
        let message: String
        let sessionID: String?
        let storyID: String?
        let repository: String
        let baseBranch: String
        var branch: String?
        var result: JSONValue?
        var error: String?
        var transcript: String?
        var attempts = 0
        let createdAt: Date
        var startedAt: Date?
        var completedAt: Date?

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id", status, message, sessionID = "session_id", storyID = "story_id", repository
            case baseBranch = "base_branch", branch, result, error, transcript, attempts, createdAt = "created_at"
            case startedAt = "started_at", completedAt = "completed_at"
        }
    }

    func status(_ taskID: UUID) async throws -> TaskStatus? {
        let requests = try await client.query("""
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
        return task
    }

    /// Agents running now, and tasks waiting for one: requests codegen has not finished and runs no live
    /// session for, counted in one query over both services' tables.
    func load() async throws -> (active: Int, queued: Int) {
        let rows = try await client.queryIfTablesExist("""
            SELECT (SELECT count(*) FROM codegen.sessions WHERE heartbeat_at > now() - \(TaskQueries.liveSession)::interval)::int,
                   (SELECT count(*) FROM stories.task_requests r WHERE NOT EXISTS (
                        SELECT 1 FROM codegen.tasks t WHERE t.task_id = r.task_id::text AND (t.status <> 'processing' OR EXISTS (
                            SELECT 1 FROM codegen.sessions s
                            WHERE s.task_id = t.task_id AND s.heartbeat_at > now() - \(TaskQueries.liveSession)::interval))))::int
            """, logger: logger)
        guard let rows else {
            let waiting = try await client.query("SELECT count(*)::int FROM stories.task_requests", logger: logger)
            for try await count in waiting.decode(Int.self) { return (0, count) }
            return (0, 0)
        }
        for try await (active, queued) in rows.decode((Int, Int).self) { return (active, queued) }
        return (0, 0)
    }
}
