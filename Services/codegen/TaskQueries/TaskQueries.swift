import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusPostgres
import Logging
import PostgresNIO

/// codegen's tables, read-only: a task's run, the agents running now, a recorded pull request. Every read
/// copes with tables codegen has not created yet.
public struct TaskQueries: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// Sessions refreshed within this window are running: codegen refreshes them every 10 s.
    public static let liveSession = "30 seconds"

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// A task's run as codegen records it.
    public struct Run: Sendable {
        /// `pending` for a run whose replica died: it waits to be picked up again.
        public let status: String
        public let branch: String
        public let result: JSONValue?
        public let error: String?
        public let transcript: String?
        public let attempts: Int
        public let startedAt: Date
        public let finishedAt: Date?
    }

    /// Nil until codegen has taken the task.
    public func run(of taskID: UUID) async throws -> Run? {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT t.status, t.branch, t.result::text, t.error, t.transcript, t.attempts, t.started_at, t.finished_at,
                   EXISTS (SELECT 1 FROM codegen.sessions s
                           WHERE s.task_id = t.task_id AND s.heartbeat_at > now() - \(Self.liveSession)::interval)
            FROM codegen.tasks t WHERE t.task_id = \(taskID.uuidString.lowercased())
            """, logger: logger) else { return nil }
        for try await (status, branch, result, error, transcript, attempts, started, finished, running)
            in rows.decode((String, String, String?, String?, String?, Int, Date, Date?, Bool).self)
        {
            return Run(status: status == "processing" && !running ? "pending" : status, branch: branch,
                       result: try result.map { try JSONValue(parsing: Array($0.utf8)) }, error: error, transcript: transcript,
                       attempts: attempts, startedAt: started, finishedAt: finished)
        }
        return nil
    }

    /// A run as a list of tasks shows it.
    public struct RunSummary: Sendable {
        public let status: String
        public let branch: String
        public let attempts: Int
        public let startedAt: Date
        public let finishedAt: Date?
        public let pullRequestURL: String?
    }

    /// The runs of the tasks codegen has taken among `taskIDs`.
    public func summaries(of taskIDs: [UUID]) async throws -> [UUID: RunSummary] {
        guard !taskIDs.isEmpty, let rows = try await client.queryIfTablesExist("""
            SELECT t.task_id, t.status, t.branch, t.attempts, t.started_at, t.finished_at, t.result->'pull_request'->>'url',
                   EXISTS (SELECT 1 FROM codegen.sessions s
                           WHERE s.task_id = t.task_id AND s.heartbeat_at > now() - \(Self.liveSession)::interval)
            FROM codegen.tasks t WHERE t.task_id = ANY(\(taskIDs.map { $0.uuidString.lowercased() }))
            """, logger: logger) else { return [:] }
        var summaries: [UUID: RunSummary] = [:]
        for try await (id, status, branch, attempts, started, finished, url, running)
            in rows.decode((String, String, String, Int, Date, Date?, String?, Bool).self) {
            guard let uuid = UUID(uuidString: id) else { continue }
            summaries[uuid] = RunSummary(status: status == "processing" && !running ? "pending" : status, branch: branch,
                                         attempts: attempts, startedAt: started, finishedAt: finished, pullRequestURL: url)
        }
        return summaries
    }

    /// One iteration of a task, as the API and the console show it.
    public struct Iteration: Sendable, Encodable {
        public let number: Int
        /// `queued`, `processing`, `pushed`, `unchanged`, `failed` or `dropped`.
        public let status: String
        public let feedback: [CodeFeedback]
        public let commit: String?
        public let diffStat: JSONValue?
        /// What Kinexus answered on the pull request, and where.
        public let answer: String?
        public let answerURL: String?
        public let transcript: String?
        /// Why it failed or was dropped.
        public let reason: String?
        public let attempts: Int
        public let requestedAt: Date
        public let startedAt: Date?
        public let finishedAt: Date?

        enum CodingKeys: String, CodingKey {
            case number, status, feedback, commit, diffStat = "diff_stat", answer, answerURL = "answer_url", transcript, reason, attempts
            case requestedAt = "requested_at", startedAt = "started_at", finishedAt = "finished_at"
        }
    }

    /// A task's iterations, in order.
    public func iterations(of taskID: UUID) async throws -> [Iteration] {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT number, status, feedback::text, commit, diff_stat::text, answer, answer_url, transcript, reason, attempts,
                   requested_at, started_at, finished_at
            FROM codegen.iterations WHERE task_id = \(taskID.uuidString.lowercased()) ORDER BY number
            """, logger: logger) else { return [] }
        var iterations: [Iteration] = []
        for try await (number, status, feedback, commit, stat, answer, answerURL, transcript, reason, attempts, requested, started, finished)
            in rows.decode((Int, String, String, String?, String?, String?, String?, String?, String?, Int, Date, Date?, Date?).self)
        {
            iterations.append(Iteration(
                number: number, status: status, feedback: try JSONDecoder().decode([CodeFeedback].self, from: Data(feedback.utf8)),
                commit: commit, diffStat: try stat.map { try JSONValue(parsing: Array($0.utf8)) }, answer: answer, answerURL: answerURL,
                transcript: transcript, reason: reason, attempts: attempts, requestedAt: requested, startedAt: started, finishedAt: finished))
        }
        return iterations
    }

    /// Feedback no iteration has taken: `queued` for the next one, or `refused` with the reason.
    public struct UntakenFeedback: Sendable, Encodable {
        public let feedback: CodeFeedback
        public let status: String
        public let reason: String?
        public let receivedAt: Date

        enum CodingKeys: String, CodingKey {
            case feedback, status, reason, receivedAt = "received_at"
        }
    }

    public func untakenFeedback(of taskID: UUID) async throws -> [UntakenFeedback] {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT feedback::text, status, reason, received_at FROM codegen.feedback
            WHERE task_id = \(taskID.uuidString.lowercased()) AND status IN ('queued', 'refused')
            ORDER BY arrived_ms, arrived_seq, event_id
            """, logger: logger) else { return [] }
        var untaken: [UntakenFeedback] = []
        for try await (feedback, status, reason, received) in rows.decode((String, String, String?, Date).self) {
            untaken.append(UntakenFeedback(feedback: try JSONDecoder().decode(CodeFeedback.self, from: Data(feedback.utf8)), status: status,
                                           reason: reason, receivedAt: received))
        }
        return untaken
    }

    /// The task whose pull request GitHub numbers `number` in `repository` (compared as GitHub does, ignoring
    /// case; the newest, should a repository have been made anew), with the chain its request arrived in; nil
    /// when no task opened it.
    public func task(openedAs number: Int, in repository: String) async throws -> (taskID: String, chain: EventChain)? {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT t.task_id, coalesce(t.correlation_id, t.task_id), t.traceparent, t.tracestate
            FROM codegen.pull_requests p JOIN codegen.tasks t ON t.task_id = p.task_id
            WHERE p.external_number = \(number) AND lower(p.repository) = lower(\(repository))
            ORDER BY p.created_at DESC LIMIT 1
            """, logger: logger) else { return nil }
        for try await (taskID, correlationID, traceparent, tracestate) in rows.decode((String, String, String?, String?).self) {
            return (taskID, EventChain(correlationID: correlationID, traceparent: traceparent, tracestate: tracestate))
        }
        return nil
    }

    /// The chain a task's request arrived in, which feedback on it continues; nil for a task codegen has not taken.
    public func chain(of taskID: UUID) async throws -> EventChain? {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT coalesce(correlation_id, task_id), traceparent, tracestate FROM codegen.tasks
            WHERE task_id = \(taskID.uuidString.lowercased())
            """, logger: logger) else { return nil }
        for try await (correlationID, traceparent, tracestate) in rows.decode((String, String?, String?).self) {
            return EventChain(correlationID: correlationID, traceparent: traceparent, tracestate: tracestate)
        }
        return nil
    }

    /// A pull request recorded by codegen (the address of a local one points here).
    public func pullRequest(_ number: Int64) async throws -> JSONValue? {
        guard let rows = try await client.queryIfTablesExist("""
            SELECT json_build_object('number', number, 'task_id', task_id, 'repository', repository, 'branch', branch,
                                     'base_branch', base_branch, 'title', title, 'body', body, 'url', url,
                                     'files', files, 'files_changed', files_changed, 'insertions', insertions,
                                     'deletions', deletions, 'diff_stat', diff_stat, 'created_at', created_at)::text
            FROM codegen.pull_requests WHERE number = \(number)
            """, logger: logger) else { return nil }
        for try await text in rows.decode(String.self) {
            return try JSONValue(parsing: Array(text.utf8))
        }
        return nil
    }
}
