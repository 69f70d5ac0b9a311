import Hummingbird
import KinexusServiceKit
import PageQueries
import ReviewQueries

/// What waits for the signed-in user: the reviews a reviewer decides, and what was published lately.
struct HomeScreen: Sendable {
    let reviews: ReviewQueries
    let pages: PageQueries
    let templates: ConsoleTemplates

    struct View {
        let chrome: Chrome?
        let reviewer: Bool
        let openReviews: Int
        let reviews: [ReviewScreens.QueueRow]
        let publishedPages: Int
        let pages: [PageScreens.Row]
    }

    func show(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let (open, openCount) = try await reviews.open(offset: 0, limit: 5)
        let (recent, pageCount) = try await pages.pages(offset: 0, limit: 5)
        return try templates.page("home", View(
            chrome: Chrome(context), reviewer: context.identity?.roles.contains(.reviewer) == true, openReviews: openCount,
            reviews: open.map(ReviewScreens.QueueRow.init), publishedPages: pageCount, pages: recent.map(PageScreens.Row.init)))
    }
}
