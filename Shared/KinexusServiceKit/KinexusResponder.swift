import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Around every service's router: each request gets an id (`X-Request-ID`, the caller's or a new one, on
/// the request for the handlers and on the response) and a deadline, past which it answers 503.
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
        let requestID = Self.requestID(given: request.headers[.requestID])
        var head = request.head
        head.headerFields[.requestID] = requestID
        let request = Request(head: head, body: request.body)
        var response: Response
        do {
            let (inner, request) = (inner, request)
            response = try await withTimeout(deadline) { try await inner.respond(to: request, context: context) }
        } catch let timeout as TimedOut {
            logger.error("request passed its deadline", metadata: [
                "request_id": "\(requestID)", "route": "\(request.method) \(request.uri.path)", "error": "\(timeout)",
            ])
            response = ErrorMiddleware<Context>.errorResponse(
                .serviceUnavailable, code: "deadline_exceeded", message: "no answer within \(deadline); try again shortly",
                requestID: requestID, headers: ErrorMiddleware<Context>.retryAfter)
        } catch {
            logger.error("request failed", metadata: [
                "request_id": "\(requestID)", "route": "\(request.method) \(request.uri.path)",
                "error": "\(String(reflecting: error))",
            ])
            response = ErrorMiddleware<Context>.errorResponse(
                .internalServerError, code: "internal_error", message: ErrorMiddleware<Context>.internalErrorMessage,
                requestID: requestID)
        }
        response.headers[.requestID] = requestID
        return response
    }

    /// The caller's id when it is a plain token of at most 128 characters (it goes into logs), else a new one.
    static func requestID(given: String?) -> String {
        if let given, (1...128).contains(given.utf8.count),
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return given
        }
        return UUID().uuidString.lowercased()
    }
}

extension HTTPField.Name {
    public static var requestID: Self { Self("X-Request-ID")! }
}
