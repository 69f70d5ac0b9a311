import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Around every service's router: each request gets an id (`X-Request-ID`, the caller's or a new one,
/// `RequestID.current` for the handlers and on the response) and a deadline, past which it answers 503.
/// `GET /health` (the process answers) is answered here, before the router and the deadline: its answer is a
/// constant that cannot pass a deadline, and the task that keeps every other route's deadline cost a fifth of
/// the probe's rate (BENCHMARKS.md).
public struct KinexusResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context: RequestContext {
    public typealias Context = Inner.Context

    let inner: Inner
    let deadline: Duration
    let logger: Logger

    public init(_ inner: Inner, deadline: Duration, logger: Logger) {
        self.inner = inner
        self.deadline = deadline
        self.logger = logger
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let requestID = RequestID.given(request.headers[.requestID]) ?? RequestID.next()
        if request.method == .get, request.uri.path == "/health" {
            return Response(status: .ok, headers: [.contentType: "application/json", .requestID: requestID],
                            body: .init(byteBuffer: Self.alive))
        }
        var response: Response
        do {
            let inner = inner
            response = try await RequestID.$current.withValue(requestID) {
                try await withTimeout(deadline) { try await inner.respond(to: request, context: context) }
            }
        } catch let timeout as TimedOut {
            logger.error("request passed its deadline", metadata: [
                "request_id": "\(requestID)", "route": "\(request.method) \(request.uri.path)", "error": "\(timeout)",
            ])
            response = ErrorAnswer.response(
                .serviceUnavailable, code: "deadline_exceeded", message: "no answer within \(deadline); try again shortly",
                requestID: requestID, headers: ErrorAnswer.retryAfter)
        } catch {
            logger.error("request failed", metadata: [
                "request_id": "\(requestID)", "route": "\(request.method) \(request.uri.path)",
                "error": "\(String(reflecting: error))",
            ])
            response = ErrorAnswer.response(
                .internalServerError, code: "internal_error", message: ErrorAnswer.internalErrorMessage,
                requestID: requestID)
        }
        response.headers[.requestID] = requestID
        return response
    }

    private static var alive: ByteBuffer { ByteBuffer(string: #"{"status":"ok"}"#) }
}

extension HTTPField.Name {
    public static var requestID: Self { Self("X-Request-ID")! }
}
