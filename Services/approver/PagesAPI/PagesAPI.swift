import Foundation
import Hummingbird
import KinexusServiceKit
import Logging
import MarkdownRendering
import PageQueries
import PostgresNIO

/// The built-in page store, read-only: `GET /pages` lists what approval published, `GET /pages/{slug}`
/// renders one page as HTML. The ingress mounts it public, or behind the API token when
/// `KINEXUS_PUBLIC_PAGES=false`.
public struct PagesAPI: Sendable {
    let queries: PageQueries

    public init(postgres: PostgresClient, logger: Logger) {
        queries = PageQueries(client: postgres, logger: logger)
    }

    struct Listed: Encodable {
        let slug: String
        let title: String
        let version: Int
        let updatedAt: Date
        let url: String

        enum CodingKeys: String, CodingKey {
            case slug, title, version, updatedAt = "updated_at", url
        }
    }

    struct PageList: ResponseEncodable {
        let pages: [Listed]
    }

    public var routes: RouteCollection<KinexusRequestContext> {
        let routes = RouteCollection(context: KinexusRequestContext.self)
        routes.get("/pages") { _, _ in
            let pages = try await queries.pages(from: nil, limit: 500)
            return PageList(pages: pages.map {
                Listed(slug: $0.slug, title: $0.title, version: $0.version, updatedAt: $0.updatedAt, url: "/pages/\($0.slug)")
            })
        }
        routes.get("/pages/:slug") { _, context in
            let slug = context.parameters.get("slug") ?? ""
            guard let found = try await queries.page(slug) else { throw APIError.notFound("no page \(slug)") }
            return Response(status: .ok, headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:",
            ], body: .init(byteBuffer: ByteBuffer(string: page(title: found.title, version: found.version,
                                                                body: MarkdownHTML.render(found.markdown)))))
        }
        return routes
    }

    private func page(title: String, version: Int, body: String) -> String {
        let escapedTitle = HTMLText.escape(title)
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escapedTitle)</title>
            <style>body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; line-height: 1.5; }
            pre, code { font-family: ui-monospace, monospace; } pre { background: #f6f8fa; padding: 1rem; overflow: auto; }
            table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de; padding: .25rem .5rem; }</style>
            </head><body>
            \(body)
            <footer><small>Version \(version), published by Kinexus after review.</small></footer>
            </body></html>
            """
    }
}
