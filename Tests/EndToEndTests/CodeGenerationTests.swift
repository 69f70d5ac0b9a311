import Foundation
import KinexusEvents
import KinexusTestSupport
import Testing

/// The ingress and the codegen service as real processes, with the embedded defaults (the scaffold agent, a
/// local bare repository): a story with an acceptance test becomes a task, a branch and a pull request.
/// They use Redis database 7 of their own.
@Suite(.serialized)
struct CodeGenerationTests {
    let token = "e2e-codegen-token"
    static let redisDatabase = 7

    @Test func aStoryBecomesABranchAndAPullRequest() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("kinexus-e2e-codegen-\(UUID().uuidString)").path
        let ports = ["ingress": freePort(), "codegen": freePort()]
        let ingress = "http://127.0.0.1:\(ports["ingress"]!)"
        var processes: [ChildProcess] = []
        for (service, port) in ports.sorted(by: { $0.key < $1.key }) {
            let process = try ChildProcess(executable: service, environment: [
                "KINEXUS_REDIS_URL": try TestEnvironment.redisURL(database: Self.redisDatabase),
                "KINEXUS_POSTGRES_URL": try TestEnvironment.postgresURL(), "KINEXUS_HTTP_PORT": String(port),
                "KINEXUS_API_TOKEN": token, "KINEXUS_PUBLIC_URL": ingress, "KINEXUS_DATA_DIR": data,
                "KINEXUS_CODEGEN_REPOSITORY": "e2e/shop",
            ])
            try process.start()
            processes.append(process)
        }
        defer {
            for process in processes { process.signal(SIGTERM) }
            try? FileManager.default.removeItem(atPath: data)
        }
        for (service, port) in ports {
            let ready = await eventually(timeout: .seconds(60), every: .milliseconds(200)) {
                await request("http://127.0.0.1:\(port)/ready")?.status == 200
            }
            #expect(ready, "\(service) never became ready: \(processes.map(\.output).joined(separator: "\n"))")
        }
        let headers = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
        func post(_ path: String, _ body: JSONValue) async throws -> JSONValue {
            let answer = try #require(await request(ingress + path, method: "POST", body: Data(body.jsonText.utf8), headers: headers))
            #expect((200..<300).contains(answer.status), "\(path): \(answer.body)")
            return try JSONValue(parsing: Array(answer.body.utf8))
        }
        let story = try await post("/api/stories", [
            "title": "Order export", "as_a": "shop owner", "i_want": "to download my orders as a CSV file",
            "so_that": "my accountant can import them", "story_points": 3,
        ])
        let storyID = try #require(story["story"]?["id"]?.stringValue)
        _ = try await post("/api/stories/\(storyID)/tests", [
            "title": "Download", "given": ["a shop with 3 orders"], "when": ["the owner exports"],
            "then": ["a CSV file with 3 rows is downloaded"],
        ])
        let task = try await post("/api/stories/\(storyID)/generate", [:])
        let taskID = try #require(task["task_id"]?.stringValue)

        var status: JSONValue = .null
        let finished = await eventually(timeout: .seconds(60), every: .milliseconds(100)) {
            guard let answer = await request("\(ingress)/api/task/\(taskID)"), answer.status == 200,
                  let json = try? JSONValue(parsing: Array(answer.body.utf8)) else { return false }
            status = json
            return json["status"] == "completed" || json["status"] == "failed"
        }
        #expect(finished, "the task never finished: \(status.jsonText)\n\(processes.map(\.output).joined(separator: "\n"))")
        #expect(status["status"] == "completed", "\(status.jsonText)")
        #expect(status["branch"] == .string("kinexus/story-\(taskID.prefix(8))"))
        #expect(status["result"]?["pull_request"]?["files"] == ["tests/acceptance/order-export.feature"])
        let url = try #require(status["result"]?["pull_request"]?["url"]?.stringValue)
        #expect(url.hasPrefix("\(ingress)/api/codegen/pulls/"))
        let pull = try #require(await request(url))
        #expect(pull.status == 200)
        #expect(pull.body.contains("Then a CSV file with 3 rows is downloaded"))
        let health = try #require(await request("\(ingress)/api/codegen/health"))
        #expect(health.status == 200 && health.body.contains("\"active_sessions\""))
    }
}
