import CodegenRules
import Foundation
import GitHub
import KinexusBus
import KinexusEvents
import KinexusPostgres
import Logging
import OutboundHTTP
import PostgresNIO
import Synchronization
import Tracing

/// Handles CodegenRequested: a fresh workspace on the task's branch, TASK.md, the agent under its
/// timeout, one commit of everything it changed, the pull request, the outcome recorded and announced.
/// Then the feedback on the pull request and its iterations (`Iterations.swift`).
///
/// The bus bounds the sessions (the subscription's concurrency), extends the lease while the agent runs,
/// and gives a dead replica's task to another after the visibility timeout; the run id in the task's row
/// keeps a run that lost its task from recording an outcome.
public struct CodegenWorker: Sendable {
    let store: TaskStore
    let iterations: IterationStore
    let host: any CodeHost
    let agent: any CodingAgent
    let settings: CodegenSettings
    let consumer: String
    /// The bus's attempts: the last one that fails records the task as failed instead of leaving it running.
    let maxAttempts: Int
    let heartbeatInterval: Duration
    let logger: Logger

    init(
        store: TaskStore, host: any CodeHost, agent: any CodingAgent, settings: CodegenSettings, consumer: String,
        maxAttempts: Int, heartbeatInterval: Duration = .seconds(10), logger: Logger
    ) {
        self.store = store
        iterations = IterationStore(client: store.client, maxIterations: settings.maxIterations, logger: logger)
        self.host = host
        self.agent = agent
        self.settings = settings
        self.consumer = consumer
        self.maxAttempts = maxAttempts
        self.heartbeatInterval = heartbeatInterval
        self.logger = logger
    }

    /// codegen as its `main` runs it: GitHub when `KINEXUS_GITHUB_REPO` and its token are set, else local
    /// repositories under the data directory; the agent `KINEXUS_CODEGEN_AGENT` names, else the scaffold.
    public static func composed(postgres: PostgresClient, settings: CodegenSettings, consumer: String, maxAttempts: Int,
                                logger: Logger) -> CodegenWorker {
        let host: any CodeHost = settings.gitHub.map { gitHub in
            GitHubRepository(
                client: GitHubClient(apiURL: gitHub.apiURL, token: gitHub.token, repository: settings.repository,
                                     http: RetryingHTTPClient(service: "GitHub", logger: logger)),
                cloneURL: gitHub.cloneURL, token: gitHub.token)
        } ?? LocalRepositories(root: settings.repositories)
        let agent: any CodingAgent = settings.agentCommand.map {
            CommandAgent(command: $0, timeout: settings.timeout, transcriptLimit: settings.transcriptLimit)
        } ?? ScaffoldAgent()
        return CodegenWorker(store: TaskStore(client: postgres, logger: logger), host: host, agent: agent, settings: settings,
                             consumer: consumer, maxAttempts: maxAttempts, logger: logger)
    }

    public static func migrations() throws -> [Migration] {
        try TaskStore.migrations()
    }

    /// The agent's work — a task's first run, an iteration — in one subscription, so that `maxSessions` bounds
    /// both together; feedback, which only queues, in another.
    public func subscriptions() throws -> [Subscription] {
        let work = #"{"source": ["\#(EventSource.stories.rawValue)", "\#(EventSource.codegen.rawValue)"], "#
            + #""detail-type": ["\#(CodegenRequested.detailType)", "\#(CodegenIterationRequested.detailType)"]}"#
        return [
            try Subscription(pattern: work, batchSize: 1, concurrency: settings.maxSessions) { envelope, context in
                switch (envelope.source, envelope.detailType) {
                case (EventSource.stories.rawValue, CodegenRequested.detailType):
                    try await handle(try envelope.decodeDetail(as: CodegenRequested.self), context: context)
                case (EventSource.codegen.rawValue, CodegenIterationRequested.detailType):
                    try await iterate(try envelope.decodeDetail(as: CodegenIterationRequested.self), context: context)
                default:
                    context.logger.warning("not codegen's work; acknowledged", metadata: ["source": "\(envelope.source)"])
                }
            },
            try Subscription(CodegenFeedbackSubmitted.self, from: [.github, .console]) { feedback, context in
                try await receive(feedback, context: context)
            },
        ]
    }

    /// A request that cannot become a task: its id names the task's directory, so it must be a UUID.
    struct InvalidRequest: CodedError, CustomStringConvertible {
        let taskID: String
        var code: String { "invalid_task_id" }
        var isPermanent: Bool { true }
        var description: String { "task_id '\(taskID)' is not a UUID" }
    }

    func handle(_ request: CodegenRequested, context: EventContext) async throws {
        guard UUID(uuidString: request.taskID) != nil else { throw InvalidRequest(taskID: request.taskID) }
        let repository = request.repository ?? settings.repository
        let brief = TaskBrief(request: request, baseBranch: request.baseBranch ?? settings.baseBranch, timeout: settings.timeout)
        let logger = {
            var logger = context.logger
            logger[metadataKey: "task_id"] = "\(brief.taskID)"
            return logger
        }()
        let run = UUID()
        switch try await store.start(brief, repository: repository, run: run, consumer: consumer, chain: context.chain) {
        case .finished(let outcome):
            logger.info("task already finished; announcing its outcome again")
            try await announce(outcome, brief: brief, context: context)
            return
        case .started(let attempt):
            logger.info("task started", metadata: ["attempt": "\(attempt)", "branch": "\(brief.branch)"])
            try await context.publish(CodegenStarted(taskID: brief.taskID, branch: brief.branch, consumer: consumer),
                                      source: .codegen, id: EventID.derived(from: "codegen-started/\(brief.taskID)/\(attempt)"))
        }
        let outcome: TaskStore.Outcome?
        do {
            outcome = try await whileAlive(run) {
                try await execute(brief, repository: repository, run: run, context: context, logger: logger)
            }
        } catch {
            guard !Task.isCancelled, context.attempt >= maxAttempts else {
                // The bus retries, or (cancelled at shutdown) another replica takes the task over.
                try? await store.abandon(run: run)
                throw error
            }
            let message = "the task could not be carried out: \(error)"
            logger.error("task failed on its last attempt", metadata: ["error": "\(String(reflecting: error))"])
            outcome = try await store.fail(taskID: brief.taskID, run: run, error: message, transcript: "")
                ? .failed(error: message) : nil
        }
        guard let outcome else {
            logger.warning("another run took the task over; this run's outcome is dropped")
            return
        }
        try await announce(outcome, brief: brief, context: context)
    }

    /// Runs the task in its workspace; nil when another run owns the task by the end.
    private func execute(_ brief: TaskBrief, repository: String, run: UUID, context: EventContext, logger: Logger) async throws
        -> TaskStore.Outcome?
    {
        if let refusal = host.refusal(of: repository)
            ?? (CodegenRequested.isValidBranch(brief.baseBranch) ? nil : "'\(brief.baseBranch)' is not a git branch name")
        {
            return try await fail(brief, run: run, error: refusal, transcript: "")
        }
        let workspace = try await Workspace.create(
            in: settings.workspaces, task: brief.taskID, run: run, source: try await host.cloneSource(repository: repository),
            baseBranch: brief.baseBranch, branch: brief.branch, authorizationHeader: host.gitAuthorization)
        do {
            let outcome = try await work(brief, in: workspace, repository: repository, run: run, context: context, logger: logger)
            await workspace.remove()
            return outcome
        } catch {
            await workspace.remove()
            throw error
        }
    }

    private func work(
        _ brief: TaskBrief, in workspace: Workspace, repository: String, run: UUID, context: EventContext, logger: Logger
    ) async throws -> TaskStore.Outcome? {
        try await workspace.writeUncommitted("TASK.md", contents: brief.markdown)
        let agentRun = try await withSpan("invoke_agent \(type(of: agent))") { span in
            span.attributes["gen_ai.operation.name"] = "invoke_agent"
            span.attributes["kinexus.task.id"] = brief.taskID
            let agentRun = try await whileFollowed(context: context, logger: logger, keep: { transcript in
                try await store.keepTranscript(taskID: brief.taskID, run: run, transcript: transcript)
            }, announce: { CodegenProgressed(taskID: brief.taskID, transcriptBytes: $0) }) { progress in
                try await agent.work(on: brief, in: workspace, progress: progress)
            }
            span.attributes["process.exit.code"] = Int(agentRun.status)
            span.attributes["kinexus.agent.timed_out"] = agentRun.timedOut
            if !agentRun.succeeded { span.setStatus(SpanStatus(code: .error, message: "the agent failed")) }
            return agentRun
        }
        try Task.checkCancellation()
        logger.info("agent finished", metadata: ["status": "\(agentRun.status)", "timed_out": "\(agentRun.timedOut)"])
        guard agentRun.succeeded else {
            let error = agentRun.timedOut
                ? "the agent ran past its timeout of \(brief.timeout.components.seconds) s; its process group was killed"
                : "the agent exited with status \(agentRun.status): \(agentRun.standardError.trimmingCharacters(in: .whitespacesAndNewlines))"
            return try await fail(brief, run: run, error: error, transcript: agentRun.transcript)
        }
        guard let commit = try await workspace.commitAll(message: brief.pullRequestTitle + "\n\nKinexus task \(brief.taskID)\n") else {
            return try await fail(brief, run: run, error: "the agent changed nothing, so there is no pull request",
                                  transcript: agentRun.transcript)
        }
        let stat = try await workspace.diffStat(of: commit)
        let body = PullRequestText.body(brief, diffStat: stat, transcript: agentRun.transcript)
        let opened = try await host.openPullRequest(commit, from: workspace, repository: repository, brief: brief, body: body)
        let publicURL = settings.publicURL
        let url = try await store.complete(
            brief, run: run,
            pullRequest: .init(repository: repository, title: brief.pullRequestTitle, body: body, url: opened.url,
                               externalNumber: opened.number, diffStat: stat),
            localURL: { "\(publicURL)/api/codegen/pulls/\($0)" }, transcript: agentRun.transcript)
        return url.map { .completed(pullRequestURL: $0, filesChanged: stat.filesChanged) }
    }

    private func fail(_ brief: TaskBrief, run: UUID, error: String, transcript: String) async throws -> TaskStore.Outcome? {
        try await store.fail(taskID: brief.taskID, run: run, error: error, transcript: transcript) ? .failed(error: error) : nil
    }

    /// Runs the agent while what it has written so far is kept (`keep` answers false once the run lost its
    /// work) and announced, at most once a second, so that the console's task page follows it. Neither may fail
    /// the work: a missed update is logged.
    func whileFollowed(
        context: EventContext, logger: Logger, keep: @escaping @Sendable (String) async throws -> Bool,
        announce: @escaping @Sendable (Int) -> CodegenProgressed,
        _ body: @escaping @Sendable (@escaping @Sendable (String) -> Void) async throws -> AgentRun
    ) async throws -> AgentRun {
        let latest = LatestTranscript()
        return try await withThrowingTaskGroup(of: AgentRun?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    guard let transcript = latest.take() else { continue }
                    do {
                        guard try await keep(transcript) else { continue }
                        try await context.publish(announce(transcript.utf8.count), source: .codegen)
                    } catch {
                        logger.warning("cannot keep the agent's transcript so far", metadata: ["error": "\(error)"])
                    }
                }
                return nil
            }
            group.addTask { try await body { latest.put($0) } }
            defer { group.cancelAll() }
            while let finished = try await group.next() {
                if let finished { return finished }
            }
            throw CancellationError()
        }
    }

    /// Runs `body` while refreshing the run's session, so the API counts it as active.
    func whileAlive<Result: Sendable>(_ run: UUID, _ body: @escaping @Sendable () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeatInterval)
                    try? await store.heartbeat(run: run)
                }
                return nil
            }
            group.addTask { try await body() }
            defer { group.cancelAll() }
            while let finished = try await group.next() {
                if let finished { return finished }
            }
            throw CancellationError()
        }
    }

    private func announce(_ outcome: TaskStore.Outcome, brief: TaskBrief, context: EventContext) async throws {
        switch outcome {
        case .completed(let url, let files):
            try await context.publish(
                CodegenCompleted(taskID: brief.taskID, branch: brief.branch, pullRequestURL: url, filesChanged: files),
                source: .codegen, id: EventID.derived(from: "codegen-completed/\(brief.taskID)"))
        case .failed(let error):
            try await context.publish(CodegenFailed(taskID: brief.taskID, error: String(error.prefix(8192))),
                                      source: .codegen, id: EventID.derived(from: "codegen-failed/\(brief.taskID)"))
        }
    }
}

/// The newest transcript an agent reported, until it is taken.
private final class LatestTranscript: Sendable {
    private let value = Mutex<String?>(nil)

    func put(_ transcript: String) { value.withLock { $0 = transcript } }

    func take() -> String? {
        value.withLock { value in
            defer { value = nil }
            return value
        }
    }
}
