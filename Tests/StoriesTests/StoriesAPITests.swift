import Foundation
import Hummingbird
import HummingbirdTesting
import KinexusJSON
import KinexusPostgres
import KinexusServiceKit
import KinexusTestSupport
import Logging
import PostgresNIO
import DocumentWriting
@testable import Stories
import Testing

/// `/api/stories` through the router, on the test Postgres.
struct StoriesAPITests {
    static let token = "stories-token"
    let logger = Logger(label: "test")

    func withAPI(model: (any LanguageModel)? = nil, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            try await MigrationRunner(client: postgres, logger: logger).run(try StoryStore.migrations())
            let router = ServiceRuntime.router(logger: logger)
            let stories = StoriesAPI(store: StoryStore(client: postgres, logger: logger),
                                     invest: InvestReviewer(model: model, budget: .milliseconds(500), logger: logger))
            router.group().add(middleware: APITokenAuthentication(apiToken: Self.token)).addRoutes(stories.routes)
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

    @Test func concurrentMovesCannotBuildALoop() async throws {
        try await withAPI { client in
            let a = try #require(try await send(client, .post, "/api/stories", good("Loop A")).json["story"]?["id"]?.stringValue)
            let b = try #require(try await send(client, .post, "/api/stories", good("Loop B")).json["story"]?["id"]?.stringValue)
            for _ in 0..<20 {
                async let first = send(client, .patch, "/api/stories/\(a)", ["parent_id": .string(b)])
                async let second = send(client, .patch, "/api/stories/\(b)", ["parent_id": .string(a)])
                let statuses = [try await first.status, try await second.status]
                #expect(statuses.sorted { $0.code < $1.code } == [.ok, .conflict], "both moves were allowed: a loop")
                for id in [a, b] {
                    _ = try await send(client, .patch, "/api/stories/\(id)", ["parent_id": .null])
                }
            }
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

    /// A model that answers `answer`, fails, or takes a minute.
    struct StubModel: LanguageModel {
        enum Behaviour: Sendable { case answer(String), fail, hang }
        let behaviour: Behaviour

        func complete(system: String, prompt: String) async throws -> String {
            switch behaviour {
            case .answer(let text):
                #expect(prompt.contains("\"i_want\":\"to download my orders as a CSV file\""))
                return text
            case .fail: throw CancellationError()
            case .hang:
                try await Task.sleep(for: .seconds(60))
                return ""
            }
        }
    }

    @Test func aConfiguredModelChecksInvestAndItsWarningsSaySo() async throws {
        let answer = """
            ```json
            {"warnings": [{"criterion": "Independent", "message": "Needs the billing API first", "details": "CSV totals come from billing",
              "suggestion": "Ship the export without totals"}]}
            ```
            """
        try await withAPI(model: StubModel(behaviour: .answer(answer))) { client in
            let refused = try await send(client, .post, "/api/stories", good("Model-checked export"))
            #expect(refused.status == .conflict)
            #expect(refused.json["warnings"] == [[
                "criterion": "independent", "message": "Needs the billing API first", "details": "CSV totals come from billing",
                "suggestion": "Ship the export without totals", "source": "llm",
            ]])
        }
        try await withAPI(model: StubModel(behaviour: .answer(#"{"warnings": []}"#))) { client in
            let saved = try await send(client, .post, "/api/stories", good("Model-approved export"))
            #expect(saved.status == .created)
        }
    }

    @Test(arguments: [StubModel.Behaviour.fail, .hang, .answer("I think the story is fine!")])
    func aModelThatFailsLeavesTheCheckToTheHeuristics(behaviour: StubModel.Behaviour) async throws {
        try await withAPI(model: StubModel(behaviour: behaviour)) { client in
            let clean = try await send(client, .post, "/api/stories", good("Heuristic export"))
            #expect(clean.status == .created)
            var vague = good("Vague export")
            if case .object(var fields) = vague {
                fields["so_that"] = "TBD"
                vague = .object(fields)
            }
            let refused = try await send(client, .post, "/api/stories", vague)
            #expect(refused.status == .conflict)
            #expect(refused.json["warnings"]?.arrayValue?.first?["source"] == "heuristic")
        }
    }

    @Test func doneNeedsDoneChildrenAndPassingMeasurableAcceptanceTests() async throws {
        try await withAPI { client in
            let story = try await send(client, .post, "/api/stories", good("Guarded \(UUID().uuidString.prefix(6))"))
            let id = try #require(story.json["story"]?["id"]?.stringValue)
            let child = try await send(client, .post, "/api/stories", good("Guarded child", parent: id))
            let childID = try #require(child.json["story"]?["id"]?.stringValue)
            let untested = try await send(client, .patch, "/api/stories/\(id)", ["status": "Done"])
            #expect(untested.status == .conflict)
            #expect(untested.json["code"] == "STORY_STATUS_BLOCKED")
            #expect(untested.json["details"]?["missing_tests"] == true)
            #expect(untested.json["details"]?["incomplete_children"] == [.string(childID)])

            let vague: JSONValue = ["given": ["a shop with orders"], "when": ["the owner exports"],
                                    "then": ["the CSV has 3 rows", "it feels fast"]]
            let refused = try await send(client, .post, "/api/stories/\(id)/tests", vague)
            #expect(refused.status == .conflict)
            #expect(refused.json["code"] == "MEASURABILITY_WARNINGS")
            #expect(refused.json["warnings"]?.arrayValue?.map { $0["step"] } == [1])
            #expect(refused.json["warnings"]?.arrayValue?.first?["suggestion"]?.stringValue?.isEmpty == false)

            let measurable: JSONValue = ["given": ["a shop with orders"], "when": ["the owner exports"],
                                         "then": ["the CSV has 3 rows", "the API responds 200"]]
            let created = try await send(client, .post, "/api/stories/\(id)/tests", measurable)
            #expect(created.status == .created)
            let testID = try #require(created.json["id"]?.stringValue)
            #expect(try await send(client, .patch, "/api/stories/\(childID)", ["status": "Done"]).status == .conflict,
                    "the child has no tests either")
            _ = try await send(client, .post, "/api/stories/\(childID)/tests", measurable)
            let childTests = try await send(client, .get, "/api/stories/\(childID)")
            let childTestID = try #require(childTests.json["acceptance_tests"]?.arrayValue?.first?["id"]?.stringValue)
            #expect(try await send(client, .patch, "/api/tests/\(childTestID)", ["status": "Pass"]).status == .ok)
            #expect(try await send(client, .patch, "/api/stories/\(childID)", ["status": "Done"]).status == .ok)

            let failing = try await send(client, .patch, "/api/stories/\(id)", ["status": "Done"])
            #expect(failing.json["details"]?["failing_tests"] == [.string(testID)])
            #expect(failing.json["details"]?["incomplete_children"] == [])
            #expect(try await send(client, .patch, "/api/tests/\(testID)", ["status": "Maybe"]).status == .badRequest)
            #expect(try await send(client, .patch, "/api/tests/\(testID)", ["status": "Pass"]).status == .ok)
            let done = try await send(client, .patch, "/api/stories/\(id)", ["status": "Done"])
            #expect(done.status == .ok)
            #expect(done.json["story"]?["status"] == "Done")
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
