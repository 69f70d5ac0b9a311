import Accounts
import Codegen
import Console
import EventRouting
import EventRules
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KinexusBus
import KinexusPostgres
import KinexusRedis
import KinexusServiceKit
import KinexusTestSupport
import Logging
@testable import Orchestration
import PostgresNIO
@testable import Reviewing
@testable import Approval
import ReviewAPI
import Stories
import Testing
import KnowledgeAPI
import KnowledgeQueries
import SupportAPI
import SupportQueries
import CustomerContexts
import DocumentReview

/// The console as the ingress mounts it, on the test Redis and Postgres, and a browser-like visitor that
/// keeps cookies and sends the console's `Origin`.
struct ConsoleHarness {
    static let redisDatabase = 3
    /// A database of its own: the knowledge tests empty the bucket the console's tests fill.
    static let postgresDatabase = "kinexus_console_tests"
    static let origin = "http://console.test"
    let logger = Logger(label: "test")

    struct World: Sendable {
        let client: any TestClientProtocol
        let postgres: PostgresClient
        let redis: RedisClient
        let accounts: Accounts

        /// A visitor signed in as a new user holding `roles`, and the user's name.
        func signedIn(_ roles: Set<Role>) async throws -> (Visitor, String) {
            let name = TestEnvironment.unique("user")
            let password = try await accounts.add(name: name, roles: roles)
            let visitor = Visitor(client)
            #expect(try await visitor.signIn(name, password).status == .seeOther)
            return (visitor, name)
        }
    }

    func run(environment: [String: String] = [:], _ body: @escaping @Sendable (World) async throws -> Void) async throws {
        let redis = try RedisClient(url: try TestEnvironment.redisURL(database: Self.redisDatabase))
        let postgres = PostgresClient(
            configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL(database: Self.postgresDatabase)),
                                      backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            try await MigrationRunner(client: postgres, logger: logger)
                .run(try Orchestrator.migrations() + Reviewer.migrations() + Approver.migrations() + Accounts.migrations()
                     + StoriesService.migrations() + CustomerContextService.migrations() + KnowledgeAPI.migrations()
                     + CodegenWorker.migrations() + RuleStore.migrations() + EventRouter.migrations())
            let publisher = EventPublisher(redis: redis, account: "000000000000", region: "local")
            let decisions = ReviewAPI(postgres: postgres, publisher: publisher, links: DiffLink(secret: "s", baseURL: Self.origin),
                                      longestWait: .seconds(1), logger: logger)
            let stories = try StoriesService(postgres: postgres, publisher: publisher, environment: [:], requestTimeout: .seconds(10),
                                             logger: logger)
            let support = SupportAPI(records: SupportRecords(client: postgres, logger: logger),
                                     contexts: .composed(postgres: postgres, redis: redis, settings: try SupportSettings(environment: [:]),
                                                         logger: logger),
                                     publisher: publisher, longestWait: .seconds(1))
            let knowledge = KnowledgeAPI(
                postgres: postgres, retriever: try KnowledgeRetriever.composed(postgres: postgres, environment: [:], logger: logger),
                publisher: publisher, minimumRelevance: 0.1, logger: logger)
            let console = Console(postgres: postgres, redis: redis, publisher: publisher, decisions: decisions, stories: stories, support: support,
                                  knowledge: knowledge, feed: ConsoleFeed(redis: redis.configuration, logger: logger),
                                  settings: try ConsoleSettings(environment: ["KINEXUS_PUBLIC_URL": Self.origin].merging(environment) { $1 }),
                                  templates: try await ConsoleTemplates.load(), logger: logger)
            let router = ServiceRuntime.router(logger: logger)
            router.addRoutes(console.routes)
            try await Application(router: router).test(.router) { client in
                try await body(World(client: client, postgres: postgres, redis: redis, accounts: Accounts(client: postgres, logger: logger)))
            }
            tasks.cancelAll()
        }
        await redis.shutdown()
    }

    /// A document with one version under review, as the orchestrator and the reviewer would have written it.
    static func seedReview(_ postgres: PostgresClient, title: String = "Title", markdown: String = "# Title\n\nNew text.",
                           logger: Logger) async throws -> UUID {
        let document = UUID(), review = UUID(), key = "CON-\(Int.random(in: 1000...9999))"
        try await postgres.query("""
            INSERT INTO docs.documents (document_id, origin, ticket_key, title, status, current_version)
            VALUES (\(document), 'jira', \(key + document.uuidString), \(title), 'in_review', 1)
            """, logger: logger)
        try await postgres.query("""
            INSERT INTO docs.document_versions (document_id, version, markdown, event_id) VALUES (\(document), 1, \(markdown), \(UUID().uuidString))
            """, logger: logger)
        try await postgres.query("""
            INSERT INTO docs.reviews (review_id, document_id, version, title, ticket_key, summary, diff_html, event_id)
            VALUES (\(review), \(document), 1, \(title), \(key), '3 additions, 0 deletions, 0 changes', '', \(UUID().uuidString))
            """, logger: logger)
        return review
    }
}

/// What a browser would keep between requests: the cookies the console set.
final class Visitor: @unchecked Sendable {
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String

        /// The form token a page's forms carry.
        var csrf: String? {
            guard let range = body.range(of: #"name="csrf" value="[0-9a-f]+""#, options: .regularExpression) else { return nil }
            return String(body[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
        }
    }

    /// A multipart form post, as a browser sends a form with a file input.
    func upload(_ path: String, _ fields: [(String, String)], file: (field: String, name: String, type: String, content: String))
        async throws -> Page
    {
        let boundary = "----KinexusTest\(UUID().uuidString.prefix(8))"
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\n"
            + "Content-Type: \(file.type)\r\n\r\n\(file.content)\r\n--\(boundary)--\r\n"
        return try await send(path, method: .post, headers: [
            .contentType: "multipart/form-data; boundary=\(boundary)", .origin: ConsoleHarness.origin,
        ], body: ByteBuffer(string: body))
    }

    /// Whether `text` is on the list at `path` or on a page after it, following its "Next" links.
    func listed(_ text: String, from path: String) async throws -> Bool {
        var next: String? = path
        while let path = next {
            let page = try await get(path)
            if page.body.contains(text) { return true }
            next = page.body.range(of: #"<a rel="next" href="[^"]+""#, options: .regularExpression)
                .map { String(page.body[$0].dropFirst(#"<a rel="next" href=""#.count).dropLast()).replacingOccurrences(of: "&amp;", with: "&") }
        }
        return false
    }

    func get(_ path: String) async throws -> Page {
        try await send(path, method: .get, headers: [:], body: nil)
    }

    /// A form post from the console's own origin (or `origin`, or none).
    func post(_ path: String, _ fields: [(String, String)], origin: String? = ConsoleHarness.origin, fetchSite: String? = nil)
        async throws -> Page
    {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let origin { headers[.origin] = origin }
        if let fetchSite { headers[HTTPField.Name("Sec-Fetch-Site")!] = fetchSite }
        let form = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try await send(path, method: .post, headers: headers, body: ByteBuffer(string: form))
    }

    /// Signs in through the sign-in page, as a person would.
    func signIn(_ name: String, _ password: String) async throws -> Page {
        let form = try await get("/console/sign-in")
        return try await post("/console/sign-in", [("csrf", form.csrf ?? ""), ("username", name), ("password", password), ("next", "/")])
    }

    private func send(_ path: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> Page {
        var headers = headers
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        let page = try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
        for cookie in page.headers[values: .setCookie] {
            let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            cookies[pair[0]] = Self.expired(cookie) ? nil : pair[1]
        }
        return page
    }

    /// A cookie the server ends: `Max-Age=0`, or an `Expires` that is not in the future.
    static func expired(_ cookie: String) -> Bool {
        let attributes = cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        if attributes.contains(where: { $0.lowercased() == "max-age=0" }) { return true }
        guard let expires = attributes.first(where: { $0.lowercased().hasPrefix("expires=") }) else { return false }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: String(expires.dropFirst("expires=".count))) else { return false }
        return date <= Date()
    }
}
