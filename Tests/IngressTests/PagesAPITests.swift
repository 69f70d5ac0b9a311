import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Ingress
import KinexusJSON
import KinexusServiceKit
import KinexusTestSupport
import Logging
import PagesAPI
import PostgresNIO
import Testing

struct PagesAPITests {
    @Test func publishedPagesAreListedAndRenderedSafely() async throws {
        try await ReviewAPITests().withAPI { _, postgres, _ in
            let logger = Logger(label: "test")
            let slug = TestEnvironment.unique("page")
            try await postgres.query("""
                INSERT INTO docs.pages (slug, document_id, title, markdown, version)
                VALUES (\(slug), \(UUID()), 'Orders <export>', \("# Orders\n\n<script>alert(1)</script>\n\n| a |\n| - |\n| 1 |"), 3)
                """, logger: logger)
            let router = ServiceRuntime.router(logger: logger)
            router.addRoutes(PagesAPI(postgres: postgres, logger: logger).routes)
            try await Application(router: router).test(.router) { client in
                try await client.execute(uri: "/pages/\(slug)", method: .get) { response in
                    #expect(response.status == .ok)
                    let html = String(buffer: response.body)
                    #expect(html.contains("<title>Orders &lt;export&gt;</title>"))
                    #expect(html.contains("<h1>Orders</h1>"))
                    #expect(html.contains("<table>"))
                    #expect(!html.contains("<script>"))
                    #expect(html.contains("Version 3"))
                }
                try await client.execute(uri: "/pages", method: .get) { response in
                    let json = try JSONValue(parsing: Array(buffer: response.body))
                    guard case .array(let pages)? = json["pages"] else { Issue.record("no pages array"); return }
                    #expect(pages.contains { $0["slug"]?.stringValue == slug && $0["url"]?.stringValue == "/pages/\(slug)" })
                }
                try await client.execute(uri: "/pages/no-such-page", method: .get) { response in
                    #expect(response.status == .notFound)
                }
            }
        }
    }
}
