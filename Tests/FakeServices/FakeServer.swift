import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// What a fake third party received: the parts a real API looks at.
public struct FakeRequest: Sendable {
    public let method: String
    public let path: String
    public let query: [String: String]
    public let headers: [String: String]
    public let body: [UInt8]

    public init(method: String, path: String, query: [String: String], headers: [String: String], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers.reduce(into: [:]) { $0[$1.key.lowercased()] = $1.value }
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

public struct FakeResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    public var headers: [String: String]

    public init(status: Int, body: [UInt8] = [], headers: [String: String] = [:]) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    public static func json(_ status: Int, _ text: String) -> FakeResponse {
        FakeResponse(status: status, body: Array(text.utf8), headers: ["Content-Type": "application/json"])
    }
}

/// Serves `handle` on a loopback port (a free one unless `port` is given) while `body` runs with the server's base URL.
public func withFakeServer<T: Sendable>(
    port: Int = 0,
    _ handle: @escaping @Sendable (FakeRequest) async -> FakeResponse,
    _ body: @Sendable (String) async throws -> T
) async throws -> T {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let responder = CallbackResponder<BasicRequestContext> { request, _ in
        let bytes = try await request.body.collect(upTo: 16 << 20)
        let components = URLComponents(string: request.uri.description)
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let fake = FakeRequest(method: request.method.rawValue, path: components?.percentEncodedPath ?? request.uri.path,
                               query: query, headers: headers, body: Array(buffer: bytes))
        let answer = await handle(fake)
        var response = Response(status: .init(code: answer.status), body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { response.headers[field] = value }
        }
        return response
    }
    var logger = Logger(label: "fake-server")
    logger.logLevel = .critical
    let application = Application(
        responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: port)),
        onServerRunning: { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
            portContinuation.finish()
        }, logger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await application.runService(gracefulShutdownSignals: [])
            return nil
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        let result = try await body("http://127.0.0.1:\(port)")
        group.cancelAll()
        return result
    }
}
