import Hummingbird

/// A refusal or failure a handler throws: rendered as the JSON error body with its status and code.
public struct APIError: HTTPResponseError, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        ErrorAnswer.response(status, code: code, message: message, requestID: nil, headers: headers)
    }

    /// 404 `not_found`: what was asked for does not exist.
    public static func notFound(_ message: String) -> APIError {
        APIError(.notFound, code: "not_found", message)
    }

    /// 400 with the code that names what is wrong with the request.
    public static func badRequest(code: String, _ message: String) -> APIError {
        APIError(.badRequest, code: code, message)
    }

    /// 400 for text holding a NUL character, which no Postgres text column can store; `field` names where.
    public static func nulCharacter(in field: String) -> APIError {
        APIError(.badRequest, code: "nul_character",
                 "'\(field.prefix(200))' contains a NUL character (\\u0000), which Kinexus cannot store")
    }
}
