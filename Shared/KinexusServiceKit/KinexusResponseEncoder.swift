import Foundation
import Hummingbird

/// The one JSON encoding of every response body, errors included: keys sorted, slashes as written, dates
/// in ISO 8601, `Content-Type: application/json`.
public struct KinexusResponseEncoder: ResponseEncoder {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    public init() {}

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        try Self.response(.ok, value)
    }

    static func response(_ status: HTTPResponse.Status, _ body: some Encodable) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(body))))
    }
}

/// The body of every 4xx and 5xx: what went wrong, in words, and a stable code for programs; a 5xx also
/// carries the request's id, which its log line carries too.
struct ErrorBody: Encodable, Sendable {
    let error: String
    let code: String
    let requestID: String?

    init(error: String, code: String, requestID: String? = nil) {
        self.error = error
        self.code = code
        self.requestID = requestID
    }

    enum CodingKeys: String, CodingKey { case error, code, requestID = "request_id" }
}
