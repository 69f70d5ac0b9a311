import FakeServices
import Foundation
import KinexusJSON
import KinexusTestSupport
import Testing

/// The ingress and the codegen service as real processes, with the embedded defaults (the scaffold agent, a
/// local bare repository): a story with an acceptance test becomes a task, a branch and a pull request.
/// They use Redis database 7 of their own, and export their spans to a collector in the test.
@Suite(.serialized)
struct CodeGenerationTests {
    let token = "e2e-codegen-token"
    var authorized: [String: String] { ["Authorization": "Bearer \(token)"] }
    static let redisDatabase = 7

    @Test func aStoryBecomesABranchAndAPullRequest() async throws {
        let collector = FakeCollector()
        try await withFakeServer({ await collector.handle($0) }) { collectorURL in
            let data = FileManager.default.temporaryDirectory.appendingPathComponent("kinexus-e2e-codegen-\(UUID().uuidString)").path
            let ports = ["ingress": freePort(), "codegen": freePort()]
            let ingress = "http://127.0.0.1:\(ports["ingress"]!)"
            var processes: [ChildProcess] = []
            for (service, port) in ports.sorted(by: { $0.key < $1.key }) {
                let process = try ChildProcess(service: service, environment: [
                    "KINEXUS_REDIS_URL": try TestEnvironment.redisURL(database: Self.redisDatabase),
                    "KINEXUS_POSTGRES_URL": try TestEnvironment.postgresURL(), "KINEXUS_HTTP_PORT": String(port),
                    "KINEXUS_API_TOKEN": token, "KINEXUS_PUBLIC_URL": ingress, "KINEXUS_DATA_DIR": data,
                    "KINEXUS_CODEGEN_REPOSITORY": "e2e/shop", "OTEL_EXPORTER_OTLP_ENDPOINT": collectorURL,
                    "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_BSP_SCHEDULE_DELAY": "100",
                ])
                try process.start()
                processes.append(process)
            }
            defer {
                for process in processes { process.signal(SIGTERM) }
                try? FileManager.default.removeItem(atPath: data)
            }
            for (service, port) in ports {
                let ready = await eventually(every: .milliseconds(200)) {
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
            let finished = await eventually(every: .milliseconds(100)) {
                guard let answer = await request("\(ingress)/api/task/\(taskID)", headers: authorized), answer.status == 200,
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
            let pull = try #require(await request(url, headers: authorized))
            #expect(pull.status == 200)
            #expect(pull.body.contains("Then a CSV file with 3 rows is downloaded"))
            let health = try #require(await request("\(ingress)/api/codegen/health", headers: authorized))
            #expect(health.status == 200 && health.body.contains("\"active_sessions\""))

            // The agent's run is a span of the codegen delivery, which continues the ingress's request. Each
            // service exports in batches of its own, so the three can arrive in any order.
            var spans: [FakeCollector.Span] = []
            let exported = await eventually(every: .milliseconds(100)) {
                spans = await collector.spans
                guard let agent = spans.first(where: { $0.name.hasPrefix("invoke_agent") }),
                      let delivery = spans.first(where: { $0.spanID == agent.parentSpanID }) else { return false }
                return spans.contains { $0.spanID == delivery.parentSpanID }
            }
            #expect(exported, "\(spans)")
            let agent = spans.first { $0.name.hasPrefix("invoke_agent") }
            let delivery = spans.first { $0.spanID == agent?.parentSpanID }
            #expect(delivery?.kind == 5 && delivery?.service == "codegen", "\(spans)")
            #expect(spans.contains { $0.spanID == delivery?.parentSpanID && $0.service == "ingress" }, "\(spans)")
            #expect(agent?.attributes["process.exit.code"] == "0")
        }
    }

    @Test func aTaskWhoseReplicaDiesIsFinishedByAnother() async throws {
        let collector = FakeCollector()
        try await withFakeServer({ await collector.handle($0) }) { collectorURL in
            let data = FileManager.default.temporaryDirectory.appendingPathComponent("kinexus-e2e-replicas-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            let mark = data + "/first-run.pid"
            // The first run records its process group and hangs; any later run changes a file and ends.
            let agent = "if [ -e \"$FIRST_RUN\" ]; then echo second > second.txt; else echo $$ > \"$FIRST_RUN\"; sleep 300; fi"
            let ingressPort = freePort()
            let ingress = "http://127.0.0.1:\(ingressPort)"
            func start(_ service: String, port: Int, consumer: String) async throws -> ChildProcess {
                let process = try ChildProcess(service: service, environment: [
                    "KINEXUS_REDIS_URL": try TestEnvironment.redisURL(database: Self.redisDatabase),
                    "KINEXUS_POSTGRES_URL": try TestEnvironment.postgresURL(), "KINEXUS_HTTP_PORT": String(port),
                    "KINEXUS_API_TOKEN": token, "KINEXUS_PUBLIC_URL": ingress, "KINEXUS_DATA_DIR": data,
                    "KINEXUS_CODEGEN_REPOSITORY": "e2e/replicas", "KINEXUS_CODEGEN_AGENT": agent, "FIRST_RUN": mark,
                    "KINEXUS_VISIBILITY_TIMEOUT": "2s", "KINEXUS_RETRY_BASE_DELAY": "100ms", "KINEXUS_CONSUMER_NAME": consumer,
                    "OTEL_EXPORTER_OTLP_ENDPOINT": collectorURL, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_BSP_SCHEDULE_DELAY": "100",
                ])
                try process.start()
                let ready = await eventually(every: .milliseconds(100)) {
                    await request("http://127.0.0.1:\(port)/ready")?.status == 200
                }
                #expect(ready, "\(service) never became ready: \(process.output)")
                return process
            }
            let front = try await start("ingress", port: ingressPort, consumer: "e2e-ingress")
            let doomed = try await start("codegen", port: freePort(), consumer: "e2e-replica-a")
            var survivor: ChildProcess?
            defer {
                front.signal(SIGTERM)
                doomed.signal(SIGKILL)
                survivor?.signal(SIGTERM)
                if let group = try? String(contentsOfFile: mark, encoding: .utf8), let pid = Int32(group.trimmingCharacters(in: .whitespacesAndNewlines)) {
                    kill(-pid, SIGKILL)
                }
                try? FileManager.default.removeItem(atPath: data)
            }
            let body = Data(#"{"message": "Write second.txt"}"#.utf8)
            let submitted = try #require(await request(ingress + "/api/chat", method: "POST", body: body,
                                                       headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]))
            let taskID = try #require(try JSONValue(parsing: Array(submitted.body.utf8))["task_id"]?.stringValue)
            let firstGroup = try #require(await recordedProcessID(at: mark), "the first run never started: \(doomed.output)")
            doomed.signal(SIGKILL)
            // The dead replica's agent goes with it, not when its sleep ends.
            #expect(await eventually { kill(-firstGroup, 0) == -1 && errno == ESRCH },
                    "the first run's agent outlived its codegen")
            survivor = try await start("codegen", port: freePort(), consumer: "e2e-replica-b")

            var status: JSONValue = .null
            let finished = await eventually(every: .milliseconds(100)) {
                guard let answer = await request("\(ingress)/api/task/\(taskID)", headers: authorized),
                      let json = try? JSONValue(parsing: Array(answer.body.utf8)) else { return false }
                status = json
                return json["status"] == "completed" || json["status"] == "failed"
            }
            #expect(finished, "\(status.jsonText)\n\(survivor?.output ?? "")")
            #expect(status["status"] == "completed", "\(status.jsonText)")
            #expect(status["attempts"] == 2)
            #expect(status["result"]?["pull_request"]?["files"] == ["second.txt"])

            // The killed replica's span never ended; the survivor's claim is the second attempt, in the request's trace.
            var spans: [FakeCollector.Span] = []
            let exported = await eventually(every: .milliseconds(100)) {
                spans = await collector.spans
                return spans.contains { $0.kind == 5 && $0.service == "codegen" }
            }
            #expect(exported, "\(spans)")
            let claim = spans.first { $0.kind == 5 && $0.service == "codegen" }
            #expect(claim?.attributes["kinexus.attempt"] == "2")
            #expect(claim?.attributes["messaging.client.id"] == "e2e-replica-b")
            #expect(spans.contains { $0.service == "ingress" && $0.kind == 2 && $0.traceID == claim?.traceID }, "\(spans)")
        }
    }

    /// An agent left running by a codegen that is gone (its watcher killed too) is ended by the next codegen
    /// on the host before it is ready.
    @Test func aStartingCodegenEndsAgentsAPreviousOneLeftBehind() async throws {
        let mark = FileManager.default.temporaryDirectory.appendingPathComponent("kinexus-orphan-\(UUID().uuidString).pid").path
        let orphan = Process()
        orphan.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        orphan.arguments = ["/bin/sh", "-c", "echo $$ > \"$0\"; exec sleep 300", mark]
        orphan.environment = ["KINEXUS_AGENT_OWNER": "999999999:1", "PATH": "/usr/bin:/bin"]
        try orphan.run()
        let group = try #require(await recordedProcessID(at: mark))
        defer {
            kill(-group, SIGKILL)
            try? FileManager.default.removeItem(atPath: mark)
        }
        #expect(kill(-group, 0) == 0, "the orphan runs")
        let port = freePort()
        let codegen = try ChildProcess(service: "codegen", environment: [
            "KINEXUS_REDIS_URL": try TestEnvironment.redisURL(database: Self.redisDatabase),
            "KINEXUS_POSTGRES_URL": try TestEnvironment.postgresURL(), "KINEXUS_HTTP_PORT": String(port),
            "KINEXUS_DATA_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("kinexus-sweep-\(UUID().uuidString)").path,
        ])
        try codegen.start()
        #expect(await eventually(every: .milliseconds(100)) {
            await request("http://127.0.0.1:\(port)/ready")?.status == 200
        }, "\(codegen.output)")
        #expect(await eventually { kill(-group, 0) == -1 && errno == ESRCH }, "\(codegen.output)")
        #expect(codegen.output.contains("ended agents a previous codegen left running"))
        codegen.signal(SIGTERM)
        _ = await codegen.exitStatus(within: .seconds(20))
    }
}
