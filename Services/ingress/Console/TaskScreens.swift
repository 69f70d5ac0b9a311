import Foundation
import HTTPTypes
import Hummingbird
import KinexusEvents
import KinexusServiceKit
import MarkdownRendering
import Stories
import TaskQueries

/// Code generation tasks: the list, and a task's page with its status, pull request and transcript, its
/// iterations with their feedback and transcripts, and the author's "Ask for changes".
struct TaskScreens: Sendable {
    let tasks: TasksAPI
    let templates: ConsoleTemplates

    struct Row {
        let url: String
        let title: String
        let status: String
        let branch: String?
        let pullRequestURL: String?
        let attempts: Int
        let duration: String?
        let submitted: String

        init(_ task: TaskRequests.TaskStatus) {
            url = "/console/tasks/\(task.taskID)"
            title = task.message.split(whereSeparator: \.isNewline).first.map { String($0.prefix(120)) } ?? task.taskID
            status = task.status
            branch = task.branch
            pullRequestURL = task.pullRequestURL ?? task.result?["pull_request"]?["url"]?.stringValue
            attempts = task.attempts
            duration = task.startedAt.map { started in elapsed(from: started, to: task.completedAt ?? .now) }
            submitted = shown(task.createdAt)
        }
    }

    func list(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let pagination = Pagination(request, isValidID: Pagination.uuids)
        let (tasks, links) = pagination.page(try await tasks.tasks(from: pagination.bound, limit: pagination.limit),
                                             path: "/console/tasks") { ($0.createdAt, $0.taskID) }
        return try templates.page("tasks", ListView(chrome: Chrome(context), rows: tasks.map(Row.init), pages: links))
    }

    struct TaskView {
        let chrome: Chrome?
        let id: String
        let task: Row
        let storyURL: String?
        let repository: String
        let error: String?
        let transcript: String
        let running: Bool
        let iterations: [IterationView]
        let waiting: [FeedbackView]
        let refused: [FeedbackView]
        /// Mustache reads stored properties only.
        let anyWaiting: Bool
        let anyRefused: Bool
        /// The author may ask for changes: the task has its pull request.
        let canAsk: Bool
        /// The author's request was just sent.
        let asked: Bool
        let askError: String?
        let comment: String
    }

    /// One iteration: the feedback it answered, what it did, its answer and the agent's transcript.
    struct IterationView {
        let number: Int
        let status: String
        let running: Bool
        let feedback: [FeedbackView]
        let commit: String?
        let diffStat: String?
        /// The answer as GitHub shows it: its markdown rendered, raw HTML (the hidden mark among it) dropped.
        let answerHTML: String?
        let answerURL: String?
        let reason: String?
        let transcript: String
        let duration: String?

        init(_ iteration: TaskQueries.Iteration) {
            number = iteration.number
            status = iteration.status
            running = iteration.status == "queued" || iteration.status == "processing"
            feedback = iteration.feedback.map(FeedbackView.init)
            commit = iteration.commit.map { String($0.prefix(12)) }
            diffStat = iteration.diffStat.flatMap { stat in
                guard let files = stat["files_changed"]?.intValue else { return nil }
                let (added, removed) = (stat["insertions"]?.intValue ?? 0, stat["deletions"]?.intValue ?? 0)
                return "\(files) file\(files == 1 ? "" : "s") changed, +\(added) −\(removed)"
            }
            answerHTML = iteration.answer.map(MarkdownHTML.render)
            answerURL = iteration.answerURL
            reason = iteration.reason
            transcript = iteration.transcript ?? ""
            duration = iteration.startedAt.map { elapsed(from: $0, to: iteration.finishedAt ?? .now) }
        }
    }

    struct FeedbackView {
        let author: String
        let kind: String
        let body: String
        let url: String?
        let comments: [CommentView]
        let reason: String?

        init(_ feedback: CodeFeedback) { self.init(feedback, reason: nil) }

        init(_ feedback: CodeFeedback, reason: String?) {
            author = feedback.author
            kind = feedback.origin == "console" ? "asked in the console"
                : feedback.state == "changes_requested" ? "requested changes on GitHub" : "commented on GitHub"
            body = feedback.body
            url = feedback.url
            comments = feedback.comments.map(CommentView.init)
            self.reason = reason
        }
    }

    struct CommentView {
        let place: String
        let body: String
        let diffHunk: String?

        init(_ comment: LineComment) {
            place = [comment.path, comment.line.map { "line \($0)" }].compactMap { $0 }.joined(separator: ", ")
            body = comment.body
            diffHunk = comment.diffHunk
        }
    }

    func page(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        try await page(request, context: context, askError: nil, comment: "", status: .ok)
    }

    private func page(_ request: Request, context: KinexusRequestContext, askError: String?, comment: String,
                      status: HTTPResponse.Status) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let uuid = UUID(uuidString: id), let task = try await tasks.task(uuid) else { throw ConsoleRefusal.notFound("task \(id)") }
        let waiting = task.feedback.filter { $0.status == "queued" }.map { FeedbackView($0.feedback) }
        let refused = task.feedback.filter { $0.status == "refused" }.map { FeedbackView($0.feedback, reason: $0.reason) }
        return try templates.page("task", TaskView(
            chrome: Chrome(context), id: task.taskID, task: Row(task), storyURL: task.storyID.map { "/console/stories/\($0)" },
            repository: "\(task.repository) (\(task.baseBranch))", error: task.error, transcript: task.transcript ?? "",
            running: task.status == "pending" || task.status == "processing", iterations: task.iterations.map(IterationView.init),
            waiting: waiting, refused: refused, anyWaiting: !waiting.isEmpty, anyRefused: !refused.isEmpty,
            canAsk: task.status == "completed" && context.identity?.roles.contains(.author) == true,
            asked: request.uri.queryParameters.get("asked") != nil, askError: askError, comment: comment), status: status)
    }

    struct ChangesForm: Decodable {
        let comment: String?
    }

    /// "Ask for changes": the same feedback as a review on the pull request; the comment is required.
    func askForChanges(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        guard let user = context.identity else { throw ConsoleRefusal.forbidden }
        let id = context.parameters.get("id") ?? ""
        let comment = (try await decodeForm(ChangesForm.self, request).comment ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !comment.isEmpty else {
            return try await page(request, context: context, askError: "Say in the comment what should change.", comment: comment,
                                  status: .badRequest)
        }
        do {
            _ = try await tasks.askForChanges(onTask: id, comment: comment, author: user.name)
        } catch let refusal as APIError where refusal.status.code < 500 {
            return try await page(request, context: context, askError: refusal.message, comment: comment, status: refusal.status)
        }
        return .redirect(to: "/console/tasks/\(id)?asked=1")
    }
}
