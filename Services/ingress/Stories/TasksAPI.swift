import CodegenRules
import StoryRules
import Foundation
import KinexusPostgres
import KinexusJSON
import Hummingbird
import KinexusBus
import KinexusEvents
import KinexusServiceKit
import Logging

/// The Kiro-compatible task API over the codegen service: `POST /api/chat`, `GET /api/task/{id}`,
/// `POST /api/stories/{id}/generate` (the "Generate Code & PR" button), `POST /api/task/{id}/changes` (the
/// "Ask for changes" button), `GET /api/codegen/health`, and `GET /api/codegen/pulls/{number}` for the pull
/// requests of local repositories.
public struct TasksAPI: Sendable {
    let tasks: TaskRequests
    let stories: StoryStore
    let publisher: EventPublisher
    let target: CodegenTarget
    let logger: Logger
    let started = ContinuousClock.now

    /// A prompt's limit in bytes, so that its event stays well under the bus's 256 KB.
    static let largestPrompt = 100_000

    init(tasks: TaskRequests, stories: StoryStore, publisher: EventPublisher, target: CodegenTarget, logger: Logger) {
        self.tasks = tasks
        self.stories = stories
        self.publisher = publisher
        self.target = target
        self.logger = logger
    }

    public var routes: RouteCollection<KinexusRequestContext> {
        let routes = RouteCollection(context: KinexusRequestContext.self)
        routes.post("/api/chat") { request, _ in try await chat(request) }
        routes.get("/api/task/:id") { _, context in try await task(context.parameters.get("id") ?? "") }
        routes.post("/api/stories/:id/generate") { request, context in
            try await generate(request, storyID: context.parameters.get("id") ?? "")
        }
        routes.post("/api/task/:id/changes") { request, context in
            let input = try await decodeBody(ChangesInput.self, request)
            let submitted = try await askForChanges(onTask: context.parameters.get("id") ?? "", comment: input.comment,
                                                    author: input.author ?? "API")
            return EditedResponse(status: .accepted, response: Asked(taskID: submitted.taskID))
        }
        routes.get("/api/codegen/health") { _, _ in try await health() }
        routes.get("/api/codegen/pulls/:number") { _, context in try await pullRequest(context.parameters.get("number") ?? "") }
        return routes
    }

    struct ChatInput: Decodable {
        let message: String
        let sessionID: String?
        let repository: String?
        let baseBranch: String?

        enum CodingKeys: String, CodingKey {
            case message, sessionID = "session_id", repository, baseBranch = "base_branch"
        }
    }

    struct TargetInput: Decodable {
        let repository: String?
        let baseBranch: String?

        enum CodingKeys: String, CodingKey {
            case repository, baseBranch = "base_branch"
        }
    }

    struct ChangesInput: Decodable {
        let comment: String
        let author: String?
    }

    struct Asked: ResponseEncodable {
        let taskID: String
        let status = "queued"

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id", status
        }
    }

    struct Submitted: ResponseEncodable {
        let taskID: String
        let status = "pending"
        let storyID: String?

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id", status, storyID = "story_id"
        }
    }

    func chat(_ request: Request) async throws -> EditedResponse<Submitted> {
        let input = try await decodeBody(ChatInput.self, request)
        guard !input.message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw invalid("message", "is empty") }
        guard input.message.utf8.count <= Self.largestPrompt else { throw invalid("message", "is over \(Self.largestPrompt) bytes") }
        if let session = input.sessionID, session.isEmpty || session.count > 200 {
            throw invalid("session_id", "must have 1 to 200 characters")
        }
        let target = try self.target(repository: input.repository, baseBranch: input.baseBranch)
        let submitted = try await submit(CodegenRequested(
            taskID: UUID().lowercased, prompt: input.message, sessionID: input.sessionID,
            repository: target.repository, baseBranch: target.baseBranch), storyID: nil, target: target)
        return EditedResponse(status: .accepted, response: Submitted(taskID: submitted.taskID, storyID: submitted.storyID))
    }

    func generate(_ request: Request, storyID: String) async throws -> EditedResponse<Submitted> {
        let input = try await decodeBody(TargetInput.self, request, emptyMeans: TargetInput(repository: nil, baseBranch: nil))
        let submitted = try await generateCode(forStory: storyID, repository: input.repository, baseBranch: input.baseBranch)
        return EditedResponse(status: .accepted, response: Submitted(taskID: submitted.taskID, storyID: submitted.storyID))
    }

    /// The "Generate code & PR" button: a task whose prompt is the story and its acceptance tests, for the
    /// configured repository unless another is named.
    public func generateCode(forStory storyID: String, repository: String? = nil, baseBranch: String? = nil) async throws
        -> CodegenRequested
    {
        guard let id = UUID(uuidString: storyID), let story = try await stories.story(id) else {
            throw APIError.notFound("no story \(storyID)")
        }
        let target = try self.target(repository: repository, baseBranch: baseBranch)
        let tests = try await stories.tests(of: id)
        let prompt = StoryPrompt.prompt(story, tests: tests, target: target)
        guard prompt.utf8.count <= Self.largestPrompt else {
            throw APIError(.unprocessableContent, code: "prompt_too_large",
                           "the story and its tests make a prompt over \(Self.largestPrompt) bytes")
        }
        return try await submit(CodegenRequested(
            taskID: UUID().lowercased, prompt: prompt, storyID: id.lowercased, title: story.title,
            acceptanceTests: StoryPrompt.criteria(tests), repository: target.repository, baseBranch: target.baseBranch),
            storyID: id, target: target)
    }

    /// A comment's limit in bytes: what a GitHub comment may hold, and well within the event.
    static let longestComment = 65_536

    /// The "Ask for changes" button: the same feedback a review on the pull request gives, for a task whose
    /// first run opened its pull request, continuing the task's chain; codegen makes it the next iteration.
    public func askForChanges(onTask id: String, comment: String, author: String) async throws -> CodegenFeedbackSubmitted {
        guard let uuid = UUID(uuidString: id), let task = try await tasks.status(uuid) else { throw APIError.notFound("no task \(id)") }
        let text = comment.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw invalid("comment", "is empty: say what to change") }
        guard text.utf8.count <= Self.longestComment else { throw invalid("comment", "is over \(Self.longestComment) bytes") }
        guard task.status == "completed", let chain = try await tasks.codegen.chain(of: uuid) else {
            throw APIError(.conflict, code: "no_pull_request", "task \(task.taskID) has no pull request to change (it is \(task.status))")
        }
        let submitted = CodegenFeedbackSubmitted(taskID: task.taskID, feedback: CodeFeedback(origin: "console", author: author, body: text))
        try await publisher.publish(submitted, source: .console, id: EventID.random(), continuing: chain)
        logger.info("changes asked for", metadata: ["task_id": "\(task.taskID)", "author": "\(author)"])
        return submitted
    }

    /// The tasks, newest first, of one story when `storyID` is given.
    public func tasks(from bound: PageBound?, limit: Int, storyID: UUID? = nil) async throws -> [TaskRequests.TaskStatus] {
        try await tasks.list(from: bound, limit: limit, storyID: storyID)
    }

    /// Tasks waiting for an agent or running, newest first.
    public func unfinishedTasks(limit: Int) async throws -> [TaskRequests.TaskStatus] {
        try await tasks.unfinished(limit: limit)
    }

    /// A task with its run and transcript; nil for an unknown id.
    public func task(_ id: UUID) async throws -> TaskRequests.TaskStatus? {
        try await tasks.status(id)
    }

    /// Records the task, then publishes it; if publishing fails the record goes too, so no task waits
    /// forever for an event that was never sent.
    private func submit(_ request: CodegenRequested, storyID: UUID?, target: CodegenTarget) async throws -> CodegenRequested {
        try await tasks.insert(request, storyID: storyID, target: target)
        do {
            try await publisher.publish(request, source: .stories, id: EventID.derived(from: "codegen-requested/\(request.taskID)"))
        } catch {
            logger.error("cannot publish CodegenRequested", metadata: ["task_id": "\(request.taskID)", "error": "\(error)"])
            try await tasks.delete(request.taskID)
            throw APIError(.serviceUnavailable, code: "bus_unavailable", "the task could not be queued; try again")
        }
        logger.info("task submitted", metadata: ["task_id": "\(request.taskID)", "story_id": "\(request.storyID ?? "")"])
        return request
    }

    func task(_ id: String) async throws -> TaskRequests.TaskStatus {
        guard let uuid = UUID(uuidString: id), let status = try await tasks.status(uuid) else { throw APIError.notFound("no task \(id)") }
        return status
    }

    struct Health: ResponseEncodable {
        let status = "ok"
        let activeSessions: Int
        let queueLength: Int
        let uptimeSeconds: Int

        enum CodingKeys: String, CodingKey {
            case status, activeSessions = "active_sessions", queueLength = "queue_length", uptimeSeconds = "uptime_seconds"
        }
    }

    func health() async throws -> Health {
        let (active, queued) = try await tasks.load()
        return Health(activeSessions: active, queueLength: queued, uptimeSeconds: Int((ContinuousClock.now - started).components.seconds))
    }

    func pullRequest(_ number: String) async throws -> JSONBody<JSONValue> {
        guard let value = Int64(number), let pull = try await tasks.codegen.pullRequest(value) else {
            throw APIError.notFound("no pull request \(number)")
        }
        return JSONBody(pull)
    }

    private func target(repository: String?, baseBranch: String?) throws -> CodegenTarget {
        if let repository, !CodegenRequested.isValidRepository(repository) { throw invalid("repository", "must be owner/name") }
        if let baseBranch, !CodegenRequested.isValidBranch(baseBranch) { throw invalid("base_branch", "is not a git branch name") }
        return CodegenTarget(repository: repository ?? target.repository, baseBranch: baseBranch ?? target.baseBranch)
    }

    private func invalid(_ field: String, _ problem: String) -> APIError {
        .badRequest(code: "invalid_field", "'\(field)' \(problem)")
    }
}
