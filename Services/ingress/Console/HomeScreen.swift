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
        let open = try await reviews.open(offset: 0, limit: 5)
        let recent = try await pages.pages(offset: 0, limit: 5)
        let todays = try await tickets.tickets(offset: 0, limit: 5, since: Calendar(identifier: .gregorian).startOfDay(for: .now))
        let deadLetters = roles.contains(.admin) ? try await OperationScreens.deadLetterGroups(redis) : []
        return try templates.page("home", View(
            chrome: Chrome(context), reviewer: roles.contains(.reviewer), reviews: open.map(ReviewScreens.QueueRow.init),
            stories: try await editor.readyForCode(limit: 5).map {
                StoryRow(url: "/console/stories/\($0.id.lowercased)", title: $0.title, status: $0.status)
            },
            tasks: try await tasks.unfinishedTasks(limit: 5).map(TaskScreens.Row.init),
            tickets: todays.map(SupportScreens.Row.init), admin: roles.contains(.admin),
            deadLetters: deadLetters.filter { $0.count > 0 }, pages: recent.map(PageScreens.Row.init)))
    }
}
