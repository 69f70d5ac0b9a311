import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KinexusJSON
import KinexusRedis
import KinexusServiceKit
import KinexusTestSupport
import Logging
import NIOCore
import Testing

/// What a caller and an operator see when a handler fails: a JSON body every time, the request's id in
/// both the answer and the log line, 503 with Retry-After for a dependency that is down or a request past
/// its deadline.
struct ErrorAnswerTests {
    struct Broken: Error {
        let detail = "the whole story"
    }

    func withService(
        deadline: Duration = .seconds(5), _ body: @escaping @Sendable (any TestClientProtocol, RecordedLog) async throws -> Void
    ) async throws {
        let log = RecordedLog()
        let router = ServiceRuntime.router(logger: log.logger)
        router.get("/broken") { _, _ -> Response in throw Broken() }
        router.get("/redis-down") { _, _ -> Response in throw RedisError.connection("connection refused") }
        router.get("/refused") { _, _ -> Response in throw APIError(.conflict, code: "taken", "already taken") }
        router.get("/echo") { request, _ in ["q": request.uri.queryParameters.get("q") ?? ""] }
        router.get("/items/:id") { _, context in ["id": context.parameters.get("id") ?? ""] }
        router.post("/small") { request, _ in
            _ = try await request.body.collect(upTo: 10)
            return ["ok": true]
        }
        // Both answer 200 after two minutes: a test that sees that answer has seen the deadline fail.
        router.get("/slow") { _, _ -> [String: Bool] in
            try await Task.sleep(for: .seconds(120))
            return ["late": true]
        }
        // A call that does not notice cancellation, as a connection pool waiting for a server that is down.
        router.get("/stuck") { _, _ -> [String: Bool] in
            await withCheckedContinuation { continuation in
                DispatchQueue.global().asyncAfter(deadline: .now() + 120) { continuation.resume() }
            }
            return ["late": true]
        }
        let app = Application(responder: KinexusResponder(router.buildResponder(), deadline: deadline, logger: log.logger))
        try await app.test(.router) { client in try await body(client, log) }
    }

    func get(_ client: any TestClientProtocol, _ uri: String, headers: HTTPFields = [:])
        async throws -> (status: HTTPResponse.Status, headers: HTTPFields, json: JSONValue)
    {
        try await client.execute(uri: uri, method: .get, headers: headers) { response in
            (response.status, response.headers, (try? JSONValue(parsing: Array(buffer: response.body))) ?? .null)
        }
    }

    @Test func anUnexpectedErrorAnswers500WithTheRequestIDItIsLoggedUnder() async throws {
        try await withService { client, log in
            let answer = try await get(client, "/broken")
            #expect(answer.status == .internalServerError)
            #expect(answer.json["code"] == "internal_error")
            let requestID = try #require(answer.json["request_id"]?.stringValue)
            #expect(answer.headers[.requestID] == requestID)
            let line = try #require(log.all.first { $0.level == .error })
            #expect(line.metadata["request_id"] == requestID)
            #expect(line.metadata["error"]?.contains("the whole story") == true, "the full error, not a redacted one")
            #expect(line.metadata["route"] == "GET /broken")
        }
    }

    @Test func theCallersRequestIDIsKept() async throws {
        try await withService { client, _ in
            let answer = try await get(client, "/broken", headers: [.requestID: "trace-42"])
            #expect(answer.json["request_id"] == "trace-42")
            #expect(try await get(client, "/echo", headers: [.requestID: "trace-43"]).headers[.requestID] == "trace-43")
            let odd = try await get(client, "/echo", headers: [.requestID: String(repeating: "x", count: 500)])
            #expect(odd.headers[.requestID].map { !$0.isEmpty && $0.count < 40 } == true, "an id too long for a log line is replaced")
        }
    }

    @Test func whileRedisIsDownRequestsAnswer503AndTheLogSaysSoOnce() async throws {
        try await withService { client, log in
            for _ in 0..<3 {
                let answer = try await get(client, "/redis-down")
                #expect(answer.status == .serviceUnavailable)
                #expect(answer.headers[.retryAfter] == "5")
                #expect(answer.json["code"] == "redis_unavailable")
                #expect(answer.json["request_id"]?.stringValue != nil)
            }
            #expect(log.all.filter { $0.level == .warning }.count == 1)
            #expect(log.all.filter { $0.level >= .warning }.allSatisfy { $0.metadata["dependency"] == "redis" })
        }
    }

    @Test func aRequestPastItsDeadlineAnswers503BeforeItsHandlerEnds() async throws {
        try await withService(deadline: .milliseconds(300)) { client, log in
            for path in ["/slow", "/stuck"] {
                let answer = try await get(client, path)
                #expect(answer.status == .serviceUnavailable, "\(path) answered \(answer.status)")
                #expect(answer.json["code"] == "deadline_exceeded")
                #expect(answer.headers[.retryAfter] == "5")
            }
            #expect(log.all.filter { $0.level == .error && $0.message == "request passed its deadline" }.count == 2)
        }
    }

    @Test func theLivenessProbeAnswersWithoutARouteOrADeadline() async throws {
        try await withService(deadline: .milliseconds(300)) { client, _ in
            let answer = try await get(client, "/health", headers: [.requestID: "probe-1"])
            #expect(answer.status == .ok)
            #expect(answer.json == ["status": "ok"])
            #expect(answer.headers[.contentType] == "application/json")
            #expect(answer.headers[.requestID] == "probe-1")
            #expect(try await get(client, "/health?verbose=1").status == .ok)
        }
    }

    @Test func refusalsKeepTheirStatusAndCode() async throws {
        try await withService { client, _ in
            let refused = try await get(client, "/refused")
            #expect(refused.status == .conflict)
            #expect(refused.json == ["error": "already taken", "code": "taken"])
            let missing = try await get(client, "/nowhere")
            #expect(missing.status == .notFound)
            #expect(missing.json["code"] == "not_found")
            let large = try await client.execute(uri: "/small", method: .post, body: ByteBuffer(string: String(repeating: "x", count: 100))) {
                ($0.status, try JSONValue(parsing: Array(buffer: $0.body)))
            }
            #expect(large.0 == .contentTooLarge)
            #expect(large.1["code"] == "body_too_large")
        }
    }

    @Test func aNULInThePathOrQueryIsRefusedNamingWhere() async throws {
        try await withService { client, _ in
            let query = try await get(client, "/echo?q=a%00b")
            #expect(query.status == .badRequest)
            #expect(query.json["code"] == "nul_character")
            #expect(query.json["error"]?.stringValue?.hasPrefix("'q'") == true)
            let path = try await get(client, "/items/a%00b")
            #expect(path.status == .badRequest)
            #expect(path.json["error"]?.stringValue?.hasPrefix("'path'") == true)
            #expect(try await get(client, "/echo?q=fine").status == .ok)
        }
    }

    @Test func theAPITokenGuardsItsRoutes() async throws {
        for (token, expected, code) in [(nil, HTTPResponse.Status.serviceUnavailable, "no_api_token"), ("t", .unauthorized, "unauthorized")] {
            let router = ServiceRuntime.router(logger: Logger(label: "test"))
            router.group().add(middleware: APITokenAuthentication(apiToken: token)).get("/private") { _, _ in ["ok": true] }
            try await Application(router: router).test(.router) { client in
                let refused = try await get(client, "/private", headers: [.authorization: "Bearer wrong"])
                #expect(refused.status == expected)
                #expect(refused.json["code"] == .string(code))
                if token != nil {
                    #expect(refused.headers[.wwwAuthenticate] == "Bearer")
                    #expect(try await get(client, "/private", headers: [.authorization: "Bearer t"]).status == .ok)
                }
            }
        }
    }
}
