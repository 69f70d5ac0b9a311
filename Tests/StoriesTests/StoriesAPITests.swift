import Foundation
import Hummingbird
import HummingbirdTesting
import KinexusEvents
import KinexusPostgres
import KinexusTestSupport
import Logging
import PostgresNIO
import Stories
import Testing

/// `/api/stories` through the router, on the test Postgres.
struct StoriesAPITests {
    static let token = "stories-token"
    let logger = Logger(label: "test")

    func withAPI(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            try await MigrationRunner(client: postgres, service: "ingress", logger: logger).run(try StoryStore.migrations())
            let router = Router()
            StoriesAPI(store: StoryStore(client: postgres, logger: logger), apiToken: Self.token).add(to: router)
            try await Application(router: router).test(.router) { client in try await body(client) }
            tasks.cancelAll()
        }
    }

    func send(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ body: JSONValue? = nil,
              token: String? = token) async throws -> (status: HTTPResponse.Status, json: JSONValue) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: uri, method: method, headers: headers,
                                        body: body.map { ByteBuffer(string: $0.jsonText) }) { response in
            (response.status, (try? JSONValue(parsing: Array(buffer: response.body))) ?? .null)
        }
    }

    func good(_ title: String, parent: String? = nil) -> JSONValue {
        var fields: [String: JSONValue] = [
            "title": .string(title), "as_a": "shop owner", "i_want": "to download my orders as a CSV file",
            "so_that": "my accountant can import them", "story_points": 3,
        ]
        if let parent { fields["parent_id"] = .string(parent) }
        return .object(fields)
    }

    @Test func storiesFormATreeThatCannotLoop() async throws {
        try await withAPI { client in
            let epic = try await send(client, .post, "/api/stories", good("Epic \(UUID().uuidString.prefix(6))"))
            #expect(epic.status == .created)
            let epicID = try #require(epic.json["story"]?["id"]?.stringValue)
            let child = try await send(client, .post, "/api/stories", good("Child", parent: epicID))
            let childID = try #require(child.json["story"]?["id"]?.stringValue)

            let tree = try await send(client, .get, "/api/stories")
            let node = try #require(tree.json["stories"]?.arrayValue?.first { $0["id"]?.stringValue == epicID })
            #expect(node["children"]?.arrayValue?.map { $0["id"] } == [.string(childID)])

            let loop = try await send(client, .patch, "/api/stories/\(epicID)", ["parent_id": .string(childID)])
            #expect(loop.status == .conflict)
            #expect(loop.json["code"] == "STORY_CYCLE")
            let own = try await send(client, .patch, "/api/stories/\(epicID)", ["parent_id": .string(epicID)])
            #expect(own.status == .conflict)

            let refused = try await send(client, .delete, "/api/stories/\(epicID)")
            #expect(refused.status == .conflict)
            #expect(refused.json["code"] == "HAS_CHILDREN")
            #expect(try await send(client, .delete, "/api/stories/\(childID)").status == .noContent)
            #expect(try await send(client, .delete, "/api/stories/\(epicID)").status == .noContent)
            #expect(try await send(client, .get, "/api/stories/\(epicID)").status == .notFound)
        }
    }

    @Test func investWarningsAnswer409UnlessAccepted() async throws {
        try await withAPI { client in
            var vague = good("Fast export")
            if case .object(var fields) = vague {
                fields["i_want"] = "a fast export"
                fields["so_that"] = "TBD"
                vague = .object(fields)
            }
            let refused = try await send(client, .post, "/api/stories", vague)
            #expect(refused.status == .conflict)
            #expect(refused.json["code"] == "INVEST_WARNINGS")
            let criteria = refused.json["warnings"]?.arrayValue?.compactMap { $0["criterion"]?.stringValue } ?? []
            #expect(Set(criteria).isSuperset(of: ["valuable", "testable"]))
            #expect(refused.json["warnings"]?.arrayValue?.first?["suggestion"]?.stringValue?.isEmpty == false)

            guard case .object(var accepted) = vague else { return }
            accepted["accept_warnings"] = true
            let saved = try await send(client, .post, "/api/stories", .object(accepted))
            #expect(saved.status == .created)
            #expect(saved.json["warnings"]?.arrayValue?.isEmpty == false)
            let id = try #require(saved.json["story"]?["id"]?.stringValue)
            let big = try await send(client, .patch, "/api/stories/\(id)", ["story_points": 21, "accept_warnings": true])
            #expect(big.json["story"]?["story_points"] == 21)
        }
    }

    @Test func doneIsRefusedWithoutPassingAcceptanceTests() async throws {
        try await withAPI { client in
            let story = try await send(client, .post, "/api/stories", good("Guarded"))
            let id = try #require(story.json["story"]?["id"]?.stringValue)
            let done = try await send(client, .patch, "/api/stories/\(id)", ["status": "Done"])
            #expect(done.status == .conflict)
            #expect(done.json["code"] == "STORY_STATUS_BLOCKED")
            #expect(done.json["details"]?["missing_tests"] == true)
        }
    }

    @Test func badInputAndMissingTokensAreRefused() async throws {
        try await withAPI { client in
            #expect(try await send(client, .post, "/api/stories", good("No token"), token: nil).status == .unauthorized)
            #expect(try await send(client, .post, "/api/stories", good("Wrong token"), token: "nope").status == .unauthorized)
            let negative = try await send(client, .post, "/api/stories", ["title": "X", "story_points": -1])
            #expect(negative.status == .badRequest)
            #expect(negative.json["error"]?.stringValue?.contains("story_points") == true)
            let status = try await send(client, .post, "/api/stories", ["title": "X", "status": "Finished"])
            #expect(status.json["error"]?.stringValue?.contains("status") == true)
            let untitled = try await send(client, .post, "/api/stories", ["title": "  "])
            #expect(untitled.json["error"]?.stringValue?.contains("title") == true)
            let wrongType = try await send(client, .post, "/api/stories", ["title": "X", "story_points": "three"])
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.json["error"]?.stringValue?.contains("story_points") == true)
            let orphan = try await send(client, .post, "/api/stories", good("Orphan", parent: UUID().uuidString))
            #expect(orphan.json["error"]?.stringValue?.contains("parent_id") == true)
            #expect(try await send(client, .patch, "/api/stories/not-an-id", ["title": "Y"]).status == .notFound)
        }
    }
}
