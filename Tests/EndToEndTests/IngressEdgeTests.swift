import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusPostgres
import KinexusRedis
import KinexusTestSupport
import Logging
import PostgresNIO
import Testing

/// The ingress process at its edges, as anyone who can reach it would try them: nothing they send stops
/// it, nothing it accepts is impossible to process, and every failure answers JSON.
@Suite(.serialized)
struct IngressEdgeTests {
    static let token = "edge-token"
    static let redisDatabase = 12
    static let changes = Topic(source: "kinexus.jira", detailType: "ChangeDetected").streamKey

    struct Ingress {
        let process: ChildProcess
        let url: String

        func send(_ method: String, _ path: String, _ body: String? = nil, token: String? = IngressEdgeTests.token,
                  headers: [String: String] = [:]) async -> (status: Int, json: JSONValue, body: String) {
            var all = headers
            if let token { all["Authorization"] = "Bearer \(token)" }
            if body != nil, all["Content-Type"] == nil { all["Content-Type"] = "application/json" }
            guard let answer = await request(url + path, method: method, body: body.map { Data($0.utf8) }, headers: all) else {
                return (0, .null, "no answer: \(process.output)")
            }
            return (answer.status, (try? JSONValue(parsing: answer.body)) ?? .null, answer.body)
        }
    }

    func start(_ settings: [String: String] = [:], waitUntilReady: Bool = true) async throws -> Ingress {
        let port = freePort()
        var environment = [
            "KINEXUS_REDIS_URL": try TestEnvironment.redisURL(database: Self.redisDatabase),
            "KINEXUS_POSTGRES_URL": try TestEnvironment.postgresURL(),
            "KINEXUS_HTTP_PORT": String(port), "KINEXUS_API_TOKEN": Self.token, "KINEXUS_LOG_LEVEL": "info",
        ]
        environment.merge(settings) { $1 }
        let process = try ChildProcess(service: "ingress", environment: environment)
        try process.start()
        let ingress = Ingress(process: process, url: "http://127.0.0.1:\(port)")
        let up = await eventually(every: .milliseconds(100)) {
            await request("\(ingress.url)/\(waitUntilReady ? "ready" : "health")")?.status == 200
        }
        #expect(up, "the ingress did not start: \(process.output)")
        return ingress
    }

    static func jiraWebhook(timestamp: String = "1795365644730", summary: String = "Order export",
                            description: String = "Adds GET /v1/orders/export", labels: [String] = [], key: String = "EDGE-1") -> String {
        let fields: JSONValue = [
            "summary": .string(summary), "description": .string(description), "status": ["name": "Done"],
            "issuetype": ["name": "Story"], "labels": .array(labels.map(JSONValue.string)),
            "created": "2026-11-30T10:00:00.000+0000",
        ]
        let body: JSONValue = [
            "webhookEvent": "jira:issue_updated", "issue": ["key": .string(key), "fields": fields],
            "changelog": ["items": [["field": "status", "fromString": "In Progress", "toString": "Done"]]],
        ]
        return body.jsonText.replacingOccurrences(of: #""webhookEvent""#, with: #""timestamp":\#(timestamp),"webhookEvent""#)
    }

    func postJira(_ ingress: Ingress, _ body: String) async -> (status: Int, json: JSONValue, body: String) {
        await ingress.send("POST", "/webhooks/jira", body, token: nil, headers: ["X-Atlassian-Webhook-Identifier": UUID().uuidString])
    }

    @Test func oneHostileWebhookDoesNotStopTheIngress() async throws {
        let ingress = try await start()
        let answer = await postJira(ingress, Self.jiraWebhook(timestamp: "1e27"))
        #expect(answer.status == 400, "\(answer.body)")
        #expect(answer.json["error"]?.stringValue?.contains("'timestamp'") == true, "\(answer.body)")
        #expect(await ingress.send("GET", "/health").status == 200)
        #expect(!ingress.process.output.contains("Fatal error"))
    }

    @Test func textWithANULIsRefusedWhereverItEnters() async throws {
        let ingress = try await start()
        let nul = "a\u{0}b"
        let cases: [(String, (status: Int, json: JSONValue, body: String), String)] = [
            ("jira summary", await postJira(ingress, Self.jiraWebhook(summary: nul)), "'issue.fields.summary'"),
            ("jira description", await postJira(ingress, Self.jiraWebhook(description: nul)), "'issue.fields.description'"),
            ("jira label", await postJira(ingress, Self.jiraWebhook(labels: ["docs", nul])), "'issue.fields.labels[1]'"),
            ("jira key", await postJira(ingress, Self.jiraWebhook(key: nul)), "'issue.key'"),
            ("github title", await ingress.send("POST", "/webhooks/github", JSONValue.object([
                "action": "closed", "pull_request": ["number": 7, "title": .string(nul), "merged": true],
            ]).jsonText, token: nil, headers: ["X-GitHub-Event": "pull_request"]), "'pull_request.title'"),
            ("ticket", await ingress.send("POST", "/tickets", JSONValue.object([
                "customer_external_id": "c-1", "subject": .string(nul),
            ]).jsonText), "'subject'"),
            ("chat", await ingress.send("POST", "/api/chat", JSONValue.object(["message": .string(nul)]).jsonText), "'message'"),
            ("story", await ingress.send("POST", "/api/stories", JSONValue.object([
                "title": .string(nul), "as_a": "owner", "i_want": "x", "so_that": "y",
            ]).jsonText), "'title'"),
            ("document", await ingress.send("PUT", "/kb/objects/edge.md", nul, headers: ["Content-Type": "text/markdown"]), "'body'"),
            ("search", await ingress.send("GET", "/kb/search?q=a%00b"), "'q'"),
            ("ticket id", await ingress.send("GET", "/tickets/a%00b"), "'path'"),
        ]
        for (name, answer, field) in cases {
            #expect(answer.status == 400, "\(name): \(answer.body)")
            #expect(answer.json["code"] == "nul_character", "\(name): \(answer.body)")
            #expect(answer.json["error"]?.stringValue?.hasPrefix(field) == true, "\(name): \(answer.body)")
        }
        #expect(!ingress.process.output.contains("\"level\":\"error\""), "\(ingress.process.output)")
    }

    /// Jira retries a 5xx forever: a ticket too large for one event is accepted once, cut, and says so.
    @Test func aWebhookTooLargeForOneEventIsAcceptedAndCut() async throws {
        let ingress = try await start()
        let huge = String(repeating: "Orders export as CSV. ", count: 14_000)
        let answer = await postJira(ingress, Self.jiraWebhook(summary: huge, description: huge, labels: ["docs", huge]))
        #expect(answer.status == 200, "\(answer.body)")
        #expect(answer.json["accepted"] == true, "\(answer.body)")
        let changeID = try #require(answer.json["change_id"]?.stringValue)
        let redis = try RedisClient(url: try TestEnvironment.redisURL(database: Self.redisDatabase))
        let entries = StreamEntry.parseEntries(try await redis.send("XREVRANGE", Self.changes, "+", "-", "COUNT", "50"),
                                               stream: Self.changes)
        let envelope = try #require(entries.compactMap { try? $0.envelope() }.first { $0.id == changeID })
        #expect(try envelope.encoded().count <= EventEnvelope.maximumSize)
        let change = try envelope.decodeDetail(as: ChangeDetected.self)
        #expect(change.description.hasSuffix("[… Kinexus cut this description: it was \(huge.count) characters]"))
        #expect(change.labels.first == "docs")
    }

    @Test func aTicketBodyOverTheLimitAnswers413() async throws {
        let ingress = try await start()
        let body = JSONValue.object(["customer_external_id": "c-1", "subject": .string(String(repeating: "x", count: 300_000))]).jsonText
        let answer = await ingress.send("POST", "/tickets", body)
        #expect(answer.status == 413, "\(answer.body)")
        #expect(answer.json["code"] == "body_too_large")
    }

    @Test func customerTicketTaskDocumentAndReviewReadsNeedTheToken() async throws {
        let ingress = try await start()
        let id = UUID().uuidString.lowercased()
        for path in ["/customers/c-1/context", "/tickets/\(id)", "/tickets/\(id)/context", "/documents", "/documents/\(id)",
                     "/reviews/\(id)", "/api/task/\(id)", "/api/stories", "/kb/search?q=refund"] {
            let answer = await ingress.send("GET", path, token: nil)
            #expect(answer.status == 401, "\(path): \(answer.body)")
            #expect(answer.json["code"] == "unauthorized", "\(path)")
        }
        #expect(await ingress.send("GET", "/pages", token: nil).status == 200, "published pages stay public by default")
        let closed = try await start(["KINEXUS_PUBLIC_PAGES": "false"])
        #expect(await closed.send("GET", "/pages", token: nil).status == 401)
        #expect(await closed.send("GET", "/pages").status == 200)
    }

    /// Before the orchestrator, reviewer, approver, kb-sync or customer-context have created their tables,
    /// the ingress's reads of them answer as for an empty system, not 500.
    @Test func readsOfTablesNoServiceHasCreatedYetAnswerEmpty() async throws {
        let database = "kinexus_edge_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try Self.adminClient()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await admin.run() }
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(database) OWNER kinexus"), logger: Logger(label: "test"))
            do {
                var url = try TestEnvironment.postgresURL()
                url = String(url[..<url.lastIndex(of: "/")!]) + "/" + database
                let ingress = try await start(["KINEXUS_POSTGRES_URL": url])
                let id = UUID().uuidString.lowercased()
                let expected: [(String, Int)] = [
                    ("/documents", 200), ("/documents/\(id)", 404), ("/documents/\(id)/versions/1", 404), ("/reviews/\(id)", 404),
                    ("/reviews/\(id)/decisions/e", 404), ("/pages", 200), ("/pages/none", 404), ("/tickets/\(id)", 404),
                    ("/tickets/\(id)/context", 404), ("/customers/c-1/context", 404), ("/kb/search?q=refund", 200),
                ]
                for (path, status) in expected {
                    let answer = await ingress.send("GET", path)
                    #expect(answer.status == status, "\(path): \(answer.body)")
                }
                ingress.process.signal(SIGTERM)
                _ = await ingress.process.exitStatus(within: .seconds(30))
            }
            try await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(database) WITH (FORCE)"), logger: Logger(label: "test"))
            tasks.cancelAll()
        }
    }

    static func adminClient() throws -> PostgresClient {
        var configuration = try PostgresSettings.configuration(url: try TestEnvironment.postgresURL())
        configuration.username = "postgres"
        configuration.password = nil
        configuration.database = "postgres"
        return PostgresClient(configuration: configuration, backgroundLogger: Logger(label: "test"))
    }

    @Test func whileRedisIsDownWebhooksAnswer503AndTheLogSaysSoOnce() async throws {
        let ingress = try await start(["KINEXUS_REDIS_URL": "redis://127.0.0.1:\(freePort())/0"], waitUntilReady: false)
        for _ in 0..<3 {
            let answer = await postJira(ingress, Self.jiraWebhook())
            #expect(answer.status == 503, "\(answer.body)")
            #expect(answer.json["code"] == "redis_unavailable", "\(answer.body)")
            #expect(answer.json["request_id"]?.stringValue != nil)
        }
        guard let answer = await request("\(ingress.url)/webhooks/jira", method: "POST", body: Data(Self.jiraWebhook().utf8),
                                         headers: ["X-Atlassian-Webhook-Identifier": UUID().uuidString]) else {
            Issue.record("no answer")
            return
        }
        #expect(answer.status == 503)
        let warnings = ingress.process.output.split(separator: "\n").filter {
            $0.contains(#""level":"warning""#) && $0.contains("redis is unreachable")
        }
        #expect(warnings.count == 1, "\(ingress.process.output)")
    }

    @Test func whilePostgresIsDownAReadAnswers503WithinItsDeadline() async throws {
        let ingress = try await start([
            "KINEXUS_POSTGRES_URL": "postgres://kinexus:kinexus@127.0.0.1:\(freePort())/kinexus", "KINEXUS_REQUEST_TIMEOUT": "1s",
        ], waitUntilReady: false)
        let started = ContinuousClock.now
        let answer = await ingress.send("GET", "/documents")
        #expect(answer.status == 503, "\(answer.body)")
        #expect(["deadline_exceeded", "postgres_unavailable"].contains(answer.json["code"]?.stringValue ?? ""), "\(answer.body)")
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func aSecondIngressOnAPortInUseExitsAsABadSetting() async throws {
        let first = try await start()
        let port = try #require(first.url.split(separator: ":").last.map(String.init))
        let second = try ChildProcess(service: "ingress", environment: [
            "KINEXUS_REDIS_URL": try TestEnvironment.redisURL(database: Self.redisDatabase),
            "KINEXUS_POSTGRES_URL": try TestEnvironment.postgresURL(), "KINEXUS_HTTP_PORT": port,
        ])
        try second.start()
        #expect(await second.exitStatus(within: .seconds(60)) == 78, "\(second.output)")
        let critical = second.output.split(separator: "\n").filter { $0.contains(#""level":"critical""#) }
        #expect(critical.count == 1, "\(second.output)")
        #expect(critical.first?.contains("KINEXUS_HTTP_PORT=\(port)") == true, "\(second.output)")
        #expect(!second.output.contains("Fatal error"))
    }
}
