import Foundation
import Hummingbird

/// A JSON response; every answer of every service, errors included, is one.
public func jsonResponse(_ status: HTTPResponse.Status, _ body: some Encodable) -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    let data = (try? encoder.encode(body)) ?? Data(#"{"error":"unencodable response"}"#.utf8)
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

/// The body of every 4xx and 5xx: what went wrong, in words, and a stable code for programs; a 5xx also
/// carries the request's id, which its log line carries too.
public struct ErrorBody: Encodable, Sendable {
    public let error: String
    public let code: String
    public let requestID: String?

    public init(error: String, code: String, requestID: String? = nil) {
        self.error = error
        self.code = code
        self.requestID = requestID
    }

    enum CodingKeys: String, CodingKey { case error, code, requestID = "request_id" }
}
