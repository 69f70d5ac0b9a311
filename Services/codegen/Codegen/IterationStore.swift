import CodegenRules
import Foundation
import KinexusBus
import KinexusEvents
import KinexusPostgres
import Logging
import PostgresNIO

/// codegen's `feedback` and `iterations`: feedback is recorded once per event and queued; an iteration takes
/// all that is queued; one iteration of a task is open (queued or running) at a time; at most
/// `maxIterations` are made, then the task is handed over to a person. Every change locks the task's row
/// first, so feedback arriving while an iteration ends is either taken by the next one or sees it open.
struct IterationStore: Sendable {
    let client: PostgresClient
    let maxIterations: Int
    let logger: Logger

    /// What the queue asks for now.
    enum Next: Sendable, Equatable {
        /// An iteration is queued: its request is published (again: the event id is the iteration's).
        case iterate(CodegenIterationRequested)
        /// The limit is reached and the pull request has yet to be told that a person takes over.
        case handOver(pullRequest: Int?)
        case nothing
    }

    struct UnknownTask: CodedError, CustomStringConvertible {
        let taskID: String
        var code: String { "unknown_task" }
        var isPermanent: Bool { true }
        var description: String { "no task \(taskID): feedback is for the tasks codegen ran" }
    }

    /// Records `feedback` once (keyed on its event, ordered by its stream entry `arrival`) and answers what
    /// follows. Feedback for a task without a pull request is kept, refused.
    func receive(_ feedback: CodeFeedback, eventID: String, arrival: StreamPosition, taskID: String) async throws -> Next {
        let json = String(decoding: try JSONEncoder().encode(feedback), as: UTF8.self)
        return try await client.transaction(logger: logger) { connection in
            guard let status = try await lockTask(taskID, on: connection) else { throw UnknownTask(taskID: taskID) }
            let refusal = status == "completed" ? nil : "the task has no pull request (it is \(status))"
            try await connection.tracedQuery("""
                INSERT INTO codegen.feedback (event_id, task_id, feedback, status, reason, arrived_ms, arrived_seq)
                VALUES (\(eventID), \(taskID), \(json)::jsonb, \(refusal == nil ? "queued" : "refused"), \(refusal),
                        \(arrival.milliseconds), \(arrival.sequence))
                ON CONFLICT (event_id) DO NOTHING
                """, logger: logger)
            return try await next(taskID, on: connection)
        }
    }

    /// What the queue asks for now, as it stands: for a redelivery of an iteration that had ended, whose run
    /// may have died before announcing the next one.
    func next(_ taskID: String) async throws -> Next {
        try await client.transaction(logger: logger) { connection in
            _ = try await lockTask(taskID, on: connection)
            return try await next(taskID, on: connection)
        }
    }

    /// The task's status, its row locked; nil for an unknown task.
    private func lockTask(_ taskID: String, on connection: PostgresConnection) async throws -> String? {
        let rows = try await connection.tracedQuery("SELECT status FROM codegen.tasks WHERE task_id = \(taskID) FOR UPDATE",
                                                    logger: logger)
        for try await status in rows.decode(String.self) { return status }
        return nil
    }

    /// With the task's row locked: the open iteration if there is one, else a new one of everything queued,
    /// or — past the limit — the queue refused and the task handed over.
    private func next(_ taskID: String, on connection: PostgresConnection) async throws -> Next {
        let open = try await connection.tracedQuery("""
            SELECT number, status, feedback::text FROM codegen.iterations
            WHERE task_id = \(taskID) AND status IN ('queued', 'processing')
            """, logger: logger)
        for try await (number, status, feedback) in open.decode((Int, String, String).self) {
            // A running iteration looks at the queue when it ends.
            guard status == "queued" else { return .nothing }
            return .iterate(CodegenIterationRequested(taskID: taskID, iteration: number, feedback: try Self.feedback(feedback)))
        }
        let queued = try await connection.tracedQuery("""
            SELECT event_id, feedback::text FROM codegen.feedback WHERE task_id = \(taskID) AND status = 'queued'
            ORDER BY arrived_ms, arrived_seq, event_id
            """, logger: logger)
        var events: [String] = [], feedback: [CodeFeedback] = []
        for try await (event, text) in queued.decode((String, String).self) {
            events.append(event)
            feedback.append(try JSONDecoder().decode(CodeFeedback.self, from: Data(text.utf8)))
        }
        guard !events.isEmpty else { return try await handOverPending(taskID, on: connection) }
        let made = try await connection.tracedQuery("SELECT count(*)::int FROM codegen.iterations WHERE task_id = \(taskID)",
                                                    logger: logger)
        var count = 0
        for try await value in made.decode(Int.self) { count = value }
        guard count < maxIterations else {
            let reason = "the pull request had its \(maxIterations) iterations (KINEXUS_CODEGEN_MAX_ITERATIONS): a person takes over"
            try await connection.tracedQuery("""
                UPDATE codegen.feedback SET status = 'refused', reason = \(reason) WHERE event_id = ANY(\(events))
                """, logger: logger)
            try await connection.tracedQuery("""
                UPDATE codegen.tasks SET handed_over_at = coalesce(handed_over_at, now()), updated_at = now() WHERE task_id = \(taskID)
                """, logger: logger)
            return try await handOverPending(taskID, on: connection)
        }
        let number = count + 1
        // However much was queued, the iteration's event fits the bus.
        let taken = feedback.map { $0.bounded(within: Self.feedbackBytes / feedback.count) }
        let all = String(decoding: try JSONEncoder().encode(taken), as: UTF8.self)
        try await connection.tracedQuery("""
            INSERT INTO codegen.iterations (task_id, number, status, feedback) VALUES (\(taskID), \(number), 'queued', \(all)::jsonb)
            """, logger: logger)
        try await connection.tracedQuery("""
            UPDATE codegen.feedback SET status = 'taken', iteration = \(number) WHERE event_id = ANY(\(events))
            """, logger: logger)
        return .iterate(CodegenIterationRequested(taskID: taskID, iteration: number, feedback: taken))
    }

    /// What an iteration's feedback may weigh in its event, well under the bus's 256 KB.
    static let feedbackBytes = 192 * 1024

    private func handOverPending(_ taskID: String, on connection: PostgresConnection) async throws -> Next {
        let rows = try await connection.tracedQuery("""
            SELECT t.handed_over_at IS NOT NULL AND NOT t.hand_over_answered, p.external_number
            FROM codegen.tasks t LEFT JOIN codegen.pull_requests p ON p.task_id = t.task_id WHERE t.task_id = \(taskID)
            """, logger: logger)
        for try await (pending, number) in rows.decode((Bool, Int?).self) where pending {
            return .handOver(pullRequest: number)
        }
        return .nothing
    }

    /// The GitHub number of the task's pull request; nil for a local one.
    func pullRequest(of taskID: String) async throws -> Int? {
        let rows = try await client.tracedQuery("SELECT external_number FROM codegen.pull_requests WHERE task_id = \(taskID)",
                                                logger: logger)
        for try await number in rows.decode(Int?.self) { return number }
        return nil
    }

    /// Runs `body` alone among every replica's work on the task's hand-over answer.
    func oneAtATime(_ taskID: String, _ body: () async throws -> Void) async throws {
        try await client.whileHolding(lock: "codegen.hand-over:\(taskID)", logger: logger, body)
    }

    /// The pull request was told that a person takes over.
    func handedOver(_ taskID: String) async throws {
        try await client.tracedQuery("UPDATE codegen.tasks SET hand_over_answered = true WHERE task_id = \(taskID)", logger: logger)
    }

    static func feedback(_ json: String) throws -> [CodeFeedback] {
        try JSONDecoder().decode([CodeFeedback].self, from: Data(json.utf8))
    }

    /// An iteration as its run needs it: the brief (the task's, with the feedback) and its pull request.
    struct Iteration: Sendable {
        let brief: TaskBrief
        let repository: String
        /// GitHub's number; nil for a local repository.
        let pullRequest: Int?
        let attempt: Int
    }

    /// How an iteration ended.
    struct Outcome: Sendable, Equatable {
        /// `pushed`, `unchanged`, `failed` or `dropped`.
        let status: String
        let commit: String?
        let reason: String?
    }

    enum Start: Sendable {
        case started(Iteration)
        case finished(Outcome)
    }

    struct UnknownIteration: CodedError, CustomStringConvertible {
        let taskID: String
        let number: Int
        var code: String { "unknown_iteration" }
        var isPermanent: Bool { true }
        var description: String { "task \(taskID) has no iteration \(number)" }
    }

    /// Takes iteration `number` for `run` (from a run that died, too); a finished one is answered as it ended.
    func start(_ taskID: String, number: Int, run: UUID, consumer: String, timeout: Duration) async throws -> Start {
        try await client.transaction(logger: logger) { connection in
            _ = try await lockTask(taskID, on: connection)
            let taken = try await connection.tracedQuery("""
                UPDATE codegen.iterations SET status = 'processing', run_id = \(run), consumer = \(consumer), attempts = attempts + 1,
                    started_at = coalesce(started_at, now()), updated_at = now()
                WHERE task_id = \(taskID) AND number = \(number) AND status IN ('queued', 'processing')
                RETURNING attempts, feedback::text
                """, logger: logger)
            var claim: (attempt: Int, feedback: String)?
            for try await row in taken.decode((Int, String).self) { claim = row }
            guard let claim else {
                let ended = try await connection.tracedQuery("""
                    SELECT status, commit, reason FROM codegen.iterations WHERE task_id = \(taskID) AND number = \(number)
                    """, logger: logger)
                for try await (status, commit, reason) in ended.decode((String, String?, String?).self) {
                    return .finished(Outcome(status: status, commit: commit, reason: reason))
                }
                throw UnknownIteration(taskID: taskID, number: number)
            }
            try await connection.tracedQuery("DELETE FROM codegen.sessions WHERE task_id = \(taskID)", logger: logger)
            try await connection.tracedQuery("""
                INSERT INTO codegen.sessions (run_id, task_id, consumer) VALUES (\(run), \(taskID), \(consumer))
                """, logger: logger)
            let rows = try await connection.tracedQuery("""
                SELECT t.story_id, t.title, coalesce(t.prompt, t.title), t.acceptance_tests::text, t.branch, t.base_branch, t.repository,
                       p.external_number
                FROM codegen.tasks t JOIN codegen.pull_requests p ON p.task_id = t.task_id WHERE t.task_id = \(taskID)
                """, logger: logger)
            for try await (story, title, objective, tests, branch, base, repository, pullRequest)
                in rows.decode((String?, String, String, String, String, String, String, Int?).self)
            {
                let brief = TaskBrief(
                    iteration: number, feedback: try Self.feedback(claim.feedback), taskID: taskID, storyID: story, title: title,
                    objective: objective, acceptanceTests: try JSONDecoder().decode([AcceptanceCriterion].self, from: Data(tests.utf8)),
                    branch: branch, baseBranch: base, timeout: timeout)
                return .started(Iteration(brief: brief, repository: repository, pullRequest: pullRequest, attempt: claim.attempt))
            }
            throw UnknownIteration(taskID: taskID, number: number)
        }
    }

    /// The transcript so far of an iteration `run` still owns; false when it does not.
    func keepTranscript(_ taskID: String, number: Int, run: UUID, transcript: String) async throws -> Bool {
        let rows = try await client.tracedQuery("""
            UPDATE codegen.iterations SET transcript = \(transcript), updated_at = now()
            WHERE task_id = \(taskID) AND number = \(number) AND run_id = \(run) AND status = 'processing' RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// What a run records when its iteration ends.
    struct Finished: Sendable {
        let outcome: Outcome
        let diffStat: DiffStat?
        let answer: String?
        let answerURL: String?
        /// Nil keeps what the run's agent left (a run that found its commit pushed ran no agent).
        let transcript: String?
    }

    /// Records how the iteration ended — a dropped one drops the queue with it — and answers what the queue
    /// asks for next; nil when another run owns the iteration now.
    func finish(_ taskID: String, number: Int, run: UUID, _ finished: Finished) async throws -> Next? {
        let stat = try finished.diffStat.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return try await client.transaction(logger: logger) { connection -> Next? in
            _ = try await lockTask(taskID, on: connection)
            let owned = try await connection.tracedQuery("""
                UPDATE codegen.iterations SET status = \(finished.outcome.status), commit = \(finished.outcome.commit),
                    reason = \(finished.outcome.reason), diff_stat = \(stat)::jsonb, answer = \(finished.answer),
                    answer_url = \(finished.answerURL), transcript = coalesce(\(finished.transcript), transcript),
                    finished_at = now(), updated_at = now()
                WHERE task_id = \(taskID) AND number = \(number) AND run_id = \(run) AND status = 'processing' RETURNING 1
                """, logger: logger)
            var mine = false
            for try await _ in owned { mine = true }
            guard mine else { return nil }
            try await connection.tracedQuery("DELETE FROM codegen.sessions WHERE run_id = \(run)", logger: logger)
            if finished.outcome.status == "dropped" {
                try await connection.tracedQuery("""
                    UPDATE codegen.feedback SET status = 'dropped', reason = \(finished.outcome.reason)
                    WHERE task_id = \(taskID) AND status = 'queued'
                    """, logger: logger)
                return .nothing
            }
            return try await next(taskID, on: connection)
        }
    }
}

/// Where an entry stands in its stream: its id, `<milliseconds>-<sequence>`, Redis's order for every stream.
struct StreamPosition: Sendable, Equatable {
    let milliseconds: Int64
    let sequence: Int64

    /// An id that is not one (none reaches a handler) orders first.
    init(entryID: String) {
        let parts = entryID.split(separator: "-", maxSplits: 1)
        milliseconds = parts.first.flatMap { Int64($0) } ?? 0
        sequence = parts.count == 2 ? Int64(parts[1]) ?? 0 : 0
    }
}
