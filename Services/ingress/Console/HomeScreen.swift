import Foundation
import Hummingbird
import KinexusBus
import KinexusRedis
import KinexusServiceKit
import PageQueries
import ReviewQueries
import Stories
import SupportQueries

/// What waits for the signed-in user: open reviews, stories ready for code, running tasks, today's tickets,
/// and for admins the dead letters; with what was published lately.
struct HomeScreen: Sendable {
    let reviews: ReviewQueries
    let pages: PageQueries
    let editor: StoryEditor
    let tasks: TasksAPI
    let tickets: SupportRecords
    let redis: RedisClient
    let templates: ConsoleTemplates

    struct StoryRow {
        let url: String
        let title: String
        let status: String
    }

    struct View {
        let chrome: Chrome?
        let reviewer: Bool
        let reviews: [ReviewScreens.QueueRow]
        let stories: [StoryRow]
        let tasks: [TaskScreens.Row]
        let tickets: [SupportScreens.Row]
        let admin: Bool
        let deadLetters: [OperationScreens.DeadLetterGroup]
        let pages: [PageScreens.Row]
    }

    func show(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let roles = context.identity?.roles ?? []
        // Side by side: each list is one query, and the page waits for the slowest alone.
        async let open = reviews.open(from: nil, limit: 5)
        async let recent = pages.pages(from: nil, limit: 5)
        async let todays = tickets.tickets(from: nil, limit: 5, since: Calendar(identifier: .gregorian).startOfDay(for: .now))
        async let ready = editor.readyForCode(limit: 5)
        async let unfinished = tasks.unfinishedTasks(limit: 5)
        let deadLetters = roles.contains(.admin) ? try await OperationScreens.deadLetterGroups(redis) : []
        return try templates.page("home", View(
            chrome: Chrome(context), reviewer: roles.contains(.reviewer), reviews: try await open.map(ReviewScreens.QueueRow.init),
            stories: try await ready.map { StoryRow(url: "/console/stories/\($0.id.lowercased)", title: $0.title, status: $0.status) },
            tasks: try await unfinished.map(TaskScreens.Row.init), tickets: try await todays.map(SupportScreens.Row.init),
            admin: roles.contains(.admin), deadLetters: deadLetters.filter { $0.count > 0 }, pages: try await recent.map(PageScreens.Row.init)))
    }
}
