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

/// The body of every 4xx and 5xx: what went wrong, in words, and a stable code for programs.
public struct ErrorBody: Encodable, Sendable {
    public let error: String
    public let code: String

    public init(error: String, code: String) {
        self.error = error
        self.code = code
    }
}
