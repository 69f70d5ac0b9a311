import Hummingbird
import KinexusServiceKit
import MarkdownRendering
import PageQueries

/// Published pages and, for each, its versions.
struct PageScreens: Sendable {
    let pages: PageQueries
    let templates: ConsoleTemplates

    struct Row {
        let url: String
        let title: String
        let version: Int
        let updated: String

        init(_ page: PublishedPage) {
            url = "/console/pages/" + pathSegment(page.slug)
            title = page.title
            version = page.version
            updated = shown(page.updatedAt)
        }
    }

    func list(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let pagination = Pagination(request)
        let (pages, links) = pagination.page(try await pages.pages(from: pagination.bound, limit: pagination.limit),
                                             path: "/console/pages") { ($0.updatedAt, $0.slug) }
        return try templates.page("pages", ListView(chrome: Chrome(context), rows: pages.map(Row.init), pages: links))
    }

    struct VersionRow {
        let version: Int
        let published: String
        let url: String
    }

    struct PageView {
        let chrome: Chrome?
        let title: String
        let version: Int
        let html: String
        let publicURL: String
        let versions: [VersionRow]
    }

    func page(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let slug = context.pathParameter("slug")
        guard let page = try await pages.page(slug) else { throw ConsoleRefusal.notFound("published page \(slug)") }
        let versions = try await pages.publications(of: page.documentID).map {
            VersionRow(version: $0.version, published: shown($0.publishedAt), url: $0.url)
        }
        return try templates.page("page", PageView(chrome: Chrome(context), title: page.title, version: page.version,
                                                   html: MarkdownHTML.render(page.markdown), publicURL: "/pages/" + pathSegment(slug),
                                                   versions: versions))
    }
}
