import CodegenRules
import Foundation
import GitHub
import KinexusBus
import KinexusEvents
import Logging
import Tracing

/// Feedback on a task's pull request and the iterations it becomes. Feedback is queued (a GitHub review
/// completed with its line comments as GitHub holds them, so a review and its comments are one piece);
/// an iteration runs the agent on the branch as it stands, commits on top, pushes without force and
/// answers once on the pull request. A run that dies is finished by another: the commit's trailer tells
/// whether it was pushed, the answer's mark whether it was posted.
extension CodegenWorker {
    func receive(_ submitted: CodegenFeedbackSubmitted, context: EventContext) async throws {
        var feedback = submitted.feedback
        // A task codegen does not know has no pull request: its feedback goes on to be refused as such.
        if let reviewID = feedback.reviewID, let number = try await iterations.pullRequest(of: submitted.taskID),
           let review = try await host.review(reviewID, of: number)
        {
            feedback.author = review.author.isEmpty ? feedback.author : review.author
            feedback.body = review.body
            feedback.state = review.state
            feedback.url = review.url ?? feedback.url
            if !review.comments.isEmpty {
                feedback.comments = review.comments.map {
                    LineComment(id: $0.id, body: $0.body, author: $0.author, path: $0.path, line: $0.line, diffHunk: $0.diffHunk)
                }
            }
        }
        let next = try await iterations.receive(feedback, eventID: context.eventID, arrival: StreamPosition(entryID: context.entryID),
                                                taskID: submitted.taskID)
        context.logger.info("feedback received", metadata: [
            "task_id": "\(submitted.taskID)", "author": "\(feedback.author)", "comments": "\(feedback.comments.count)",
        ])
        try await follow(next, taskID: submitted.taskID, context: context)
    }

    /// Publishes the queued iteration, or tells the pull request that a person takes over.
    func follow(_ next: IterationStore.Next, taskID: String, context: EventContext) async throws {
        switch next {
        case .iterate(let request):
            try await context.publish(request, source: .codegen,
                                      id: EventID.derived(from: "codegen-iteration/\(taskID)/\(request.iteration)"))
            context.logger.info("iteration queued", metadata: ["task_id": "\(taskID)", "iteration": "\(request.iteration)"])
        case .handOver(let pullRequest):
            // Two deliveries of feedback can find the hand-over unanswered at once: one at a time, the second finds the
            // first's comment by its mark instead of posting another.
            try await iterations.oneAtATime(taskID) {
                let text = IterationAnswer.handOver(taskID: taskID, limit: settings.maxIterations, taskURL: taskURL(taskID))
                _ = try await host.answer(text, mark: IterationAnswer.handOverMark(taskID), on: pullRequest)
                try await iterations.handedOver(taskID)
            }
            context.logger.warning("iteration limit reached; a person takes over", metadata: [
                "task_id": "\(taskID)", "max_iterations": "\(settings.maxIterations)",
            ])
        case .nothing:
            break
        }
    }

    func iterate(_ request: CodegenIterationRequested, context: EventContext) async throws {
        let logger = {
            var logger = context.logger
            logger[metadataKey: "task_id"] = "\(request.taskID)"
            logger[metadataKey: "iteration"] = "\(request.iteration)"
            return logger
        }()
        let run = UUID()
        let iteration: IterationStore.Iteration
        switch try await iterations.start(request.taskID, number: request.iteration, run: run, consumer: consumer,
                                          timeout: settings.timeout) {
        case .finished(let outcome):
            logger.info("iteration already finished; announcing its outcome and what follows again")
            try await announce(outcome, of: request, context: context)
            try await follow(try await iterations.next(request.taskID), taskID: request.taskID, context: context)
            return
        case .started(let started):
            iteration = started
        }
        logger.info("iteration started", metadata: ["attempt": "\(iteration.attempt)", "branch": "\(iteration.brief.branch)"])
        try await context.publish(
            CodegenStarted(taskID: request.taskID, branch: iteration.brief.branch, consumer: consumer, iteration: request.iteration),
            source: .codegen, id: EventID.derived(from: "codegen-started/\(request.taskID)/\(request.iteration)/\(iteration.attempt)"))
        let finished: IterationStore.Finished
        do {
            finished = try await whileAlive(run) { try await work(on: iteration, run: run, context: context, logger: logger) }
        } catch {
            guard !Task.isCancelled, context.attempt >= maxAttempts else {
                try? await store.abandon(run: run)
                throw error
            }
            logger.error("iteration failed on its last attempt", metadata: ["error": "\(String(reflecting: error))"])
            finished = .init(outcome: .init(status: "failed", commit: nil, reason: "the iteration could not be carried out: \(error)"),
                             diffStat: nil, answer: nil, answerURL: nil, transcript: nil)
        }
        guard let next = try await iterations.finish(request.taskID, number: request.iteration, run: run, finished) else {
            logger.warning("another run took the iteration over; this run's outcome is dropped")
            return
        }
        logger.info("iteration finished", metadata: ["outcome": "\(finished.outcome.status)", "commit": "\(finished.outcome.commit ?? "")"])
        try await announce(finished.outcome, of: request, context: context)
        try await follow(next, taskID: request.taskID, context: context)
    }

    /// The iteration in its workspace on the task's branch: dropped when the pull request no longer takes changes.
    private func work(on iteration: IterationStore.Iteration, run: UUID, context: EventContext, logger: Logger) async throws
        -> IterationStore.Finished
    {
        let brief = iteration.brief
        let state = try await host.state(of: iteration.pullRequest)
        guard state == .open else {
            return .init(outcome: .init(status: "dropped", commit: nil, reason: "the pull request was \(state.rawValue) first"),
                         diffStat: nil, answer: nil, answerURL: nil, transcript: nil)
        }
        if let refusal = host.refusal(of: iteration.repository) {
            return .init(outcome: .init(status: "failed", commit: nil, reason: refusal), diffStat: nil, answer: nil, answerURL: nil,
                         transcript: nil)
        }
        let workspace = try await Workspace.create(
            in: settings.workspaces, task: brief.taskID, run: run, source: try await host.cloneSource(repository: iteration.repository),
            baseBranch: brief.branch, branch: brief.branch, authorizationHeader: host.gitAuthorization)
        do {
            let finished = try await work(on: iteration, in: workspace, run: run, context: context, logger: logger)
            await workspace.remove()
            return finished
        } catch {
            await workspace.remove()
            throw error
        }
    }

    private func work(
        on iteration: IterationStore.Iteration, in workspace: Workspace, run: UUID, context: EventContext, logger: Logger
    ) async throws -> IterationStore.Finished {
        let brief = iteration.brief, number = brief.iteration ?? 0
        let message = IterationAnswer.commitMessage(brief)
        if try await workspace.baseMessage().contains(IterationAnswer.trailer(brief)) {
            logger.info("an earlier run pushed this iteration's commit; answering for it")
            let stat = try await workspace.lastCommitStat()
            return try await answered(iteration, .init(status: "pushed", commit: workspace.baseCommit, reason: nil), stat: stat,
                                      transcript: nil)
        }
        try await workspace.writeUncommitted("TASK.md", contents: brief.markdown)
        let agentRun = try await withSpan("invoke_agent \(type(of: agent))") { span in
            span.attributes["gen_ai.operation.name"] = "invoke_agent"
            span.attributes["kinexus.task.id"] = brief.taskID
            span.attributes["kinexus.iteration"] = number
            let agentRun = try await whileFollowed(context: context, logger: logger, keep: { transcript in
                try await iterations.keepTranscript(brief.taskID, number: number, run: run, transcript: transcript)
            }, announce: { CodegenProgressed(taskID: brief.taskID, transcriptBytes: $0, iteration: number) }) { progress in
                try await agent.work(on: brief, in: workspace, progress: progress)
            }
            span.attributes["process.exit.code"] = Int(agentRun.status)
            if !agentRun.succeeded { span.setStatus(SpanStatus(code: .error, message: "the agent failed")) }
            return agentRun
        }
        try Task.checkCancellation()
        logger.info("agent finished", metadata: ["status": "\(agentRun.status)", "timed_out": "\(agentRun.timedOut)"])
        // Kept before anything is pushed, so that a run finishing for this one after it died still has it.
        _ = try await iterations.keepTranscript(brief.taskID, number: number, run: run, transcript: agentRun.transcript)
        guard agentRun.succeeded else {
            let error = agentRun.timedOut
                ? "the agent ran past its timeout of \(brief.timeout.components.seconds) s; its process group was killed"
                : "the agent exited with status \(agentRun.status): \(agentRun.standardError.trimmingCharacters(in: .whitespacesAndNewlines))"
            return try await answered(iteration, .init(status: "failed", commit: nil, reason: error), stat: nil,
                                      transcript: agentRun.transcript)
        }
        guard let commit = try await workspace.commitAll(message: message) else {
            return try await answered(iteration, .init(status: "unchanged", commit: nil, reason: "the agent changed nothing"), stat: nil,
                                      transcript: agentRun.transcript)
        }
        let stat = try await workspace.diffStat(of: commit)
        let published = try await host.pushOnTop(commit, from: workspace, message: message)
        return try await answered(iteration, .init(status: "pushed", commit: published, reason: nil), stat: stat,
                                  transcript: agentRun.transcript)
    }

    /// Answers on the pull request, once: a comment already holding the iteration's mark is not posted again.
    private func answered(_ iteration: IterationStore.Iteration, _ outcome: IterationStore.Outcome, stat: DiffStat?,
                          transcript: String?) async throws -> IterationStore.Finished {
        let brief = iteration.brief
        let text = IterationAnswer.text(brief, outcome: outcome, diffStat: stat, taskURL: taskURL(brief.taskID))
        let url = try await host.answer(text, mark: IterationAnswer.mark(brief), on: iteration.pullRequest)
        return .init(outcome: outcome, diffStat: stat, answer: text, answerURL: url, transcript: transcript)
    }

    private func taskURL(_ taskID: String) -> String { "\(settings.publicURL)/console/tasks/\(taskID)" }

    private func announce(_ outcome: IterationStore.Outcome, of request: CodegenIterationRequested, context: EventContext)
        async throws
    {
        try await context.publish(
            CodegenIterationFinished(taskID: request.taskID, iteration: request.iteration, outcome: outcome.status,
                                     commit: outcome.commit, reason: outcome.reason.map { String($0.prefix(8192)) }),
            source: .codegen, id: EventID.derived(from: "codegen-iteration-finished/\(request.taskID)/\(request.iteration)"))
    }
}
