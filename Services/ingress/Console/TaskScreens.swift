import Foundation
import Hummingbird
import KinexusServiceKit
import Stories

/// Code generation tasks: the list, and a task's page with its status, pull request and transcript.
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
        let pagination = Pagination(request)
        let (tasks, links) = pagination.page(try await tasks.tasks(offset: pagination.offset, limit: pagination.limit),
                                             path: "/console/tasks")
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
    }

    func page(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let uuid = UUID(uuidString: id), let task = try await tasks.task(uuid) else { throw ConsoleRefusal.notFound("task \(id)") }
        return try templates.page("task", TaskView(
            chrome: Chrome(context), id: task.taskID, task: Row(task), storyURL: task.storyID.map { "/console/stories/\($0)" },
            repository: "\(task.repository) (\(task.baseBranch))", error: task.error, transcript: task.transcript ?? "",
            running: task.status == "pending" || task.status == "processing"))
    }
}
