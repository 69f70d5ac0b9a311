import EventBridgeRules
import Foundation
import HTTPTypes
import Hummingbird
import KinexusJSON
import KinexusServiceKit

extension HTTPField.Name {
    static let amzTarget = HTTPField.Name("X-Amz-Target")!
    static let amznRequestID = HTTPField.Name("x-amzn-RequestId")!
}

/// Answers in AWS's JSON 1.1 protocol: `application/x-amz-json-1.1`, with the request's id where the SDKs look for it.
enum AWSJSON {
    static let contentType = "application/x-amz-json-1.1"

    static func response(_ body: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var bytes: [UInt8] = []
        JSONWriter.write(body, into: &bytes)
        return Response(
            status: status,
            headers: [.contentType: contentType, .amznRequestID: RequestID.current],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func error(_ refusal: AWSRefusal) -> Response {
        response(.object(["__type": .string(refusal.type), "message": .string(refusal.message)]),
                 status: HTTPResponse.Status(code: refusal.status))
    }

    /// Seconds since 1970, as the protocol writes a timestamp.
    static func timestamp(_ date: Date) -> JSONValue {
        .number(date.timeIntervalSince1970.rounded(.down))
    }
}
