import HTTPTypes
import Hummingbird
import KinexusRedis
import Logging
import PostgresNIO

/// The first middleware of every service's router: whatever a handler throws answers the JSON error body.
/// A dependency that is down answers 503 with `Retry-After` (said once per outage in the log); any other
/// unexpected error 500 with the request's id, logged at error with the whole error.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    let outages: OutageLog

    public init(logger: Logger) {
        self.logger = logger
        outages = OutageLog(logger: logger)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return answer(to: error, request: request)
        }
    }

    private func answer(to error: any Error, request: Request) -> Response {
        let requestID = RequestID.current
        let route = "\(request.method) \(request.uri.path)"
        if let dependency = Self.unavailableDependency(error) {
            outages.failed(dependency, error: error, requestID: requestID, route: route)
            return ErrorAnswer.response(.serviceUnavailable, code: "\(dependency)_unavailable",
                                      message: "\(dependency) is unreachable; try again shortly", requestID: requestID,
                                      headers: ErrorAnswer.retryAfter)
        }
        if let refusal = error as? any HTTPResponseError {
            let status = refusal.status
            let (code, message) = (refusal as? APIError).map { ($0.code, $0.message) }
                ?? (Self.code(for: status), Self.message(of: refusal))
            guard status.code >= 500 else {
                return ErrorAnswer.response(status, code: code, message: message, requestID: nil, headers: Self.headers(of: refusal))
            }
            logger.error("request failed", metadata: [
                "request_id": "\(requestID)", "route": "\(route)", "status": "\(status.code)", "error": "\(String(reflecting: error))",
            ])
            return ErrorAnswer.response(status, code: code, message: message, requestID: requestID, headers: Self.headers(of: refusal))
        }
        logger.error("request failed", metadata: [
            "request_id": "\(requestID)", "route": "\(route)", "error": "\(String(reflecting: error))",
        ])
        return ErrorAnswer.response(.internalServerError, code: "internal_error", message: ErrorAnswer.internalErrorMessage,
                                  requestID: requestID)
    }

    /// `redis` or `postgres` when the error says that server could not be reached; nil for anything else.
    public static func unavailableDependency(_ error: any Error) -> String? {
        switch error {
        case RedisError.connection, RedisError.shutDown: return "redis"
        case let error as PSQLError:
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown:
                return "postgres"
            case .server:
                // 08: connection exceptions; 57P0x: the server is shutting down or starting up.
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || state.hasPrefix("57P") ? "postgres" : nil
            default: return nil
            }
        default: return nil
        }
    }

    static func headers(of error: any HTTPResponseError) -> HTTPFields {
        (error as? APIError)?.headers ?? (error as? HTTPError)?.headers ?? [:]
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .contentTooLarge: "body_too_large"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .badRequest: "bad_request"
        default: "http_\(status.code)"
        }
    }

    static func message(of error: any HTTPResponseError) -> String {
        if let error = error as? HTTPError, let body = error.body { return body }
        if error is NIOTooManyBytesError { return "the body is larger than this endpoint accepts" }
        return error.status.reasonPhrase
    }
}

/// The error bodies the middleware and the responder answer with.
enum ErrorAnswer {
    /// How long a caller is asked to wait before trying again while a dependency is down or a request timed out.
    static let retryAfter: HTTPFields = [.retryAfter: "5"]
    static let internalErrorMessage = "the request failed; the service's log has the error under this request_id"

    static func response(
        _ status: HTTPResponse.Status, code: String, message: String, requestID: String?, headers: HTTPFields = [:]
    ) -> Response {
        let body = ErrorBody(error: message, code: code, requestID: requestID)
        var response = (try? KinexusResponseEncoder.response(status, body))
            ?? Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: #"{"code":"internal_error","error":"unencodable error"}"#)))
        response.headers.append(contentsOf: headers)
        return response
    }
}
