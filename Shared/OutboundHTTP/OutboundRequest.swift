import Foundation

/// A request to a third party: JSON in, JSON out, headers that may carry secrets (never logged).
public struct OutboundRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// `Authorization: Basic` for an Atlassian account e-mail and API token.
    public static func basicAuthorization(user: String, token: String) -> (String, String) {
        ("Authorization", "Basic " + Data("\(user):\(token)".utf8).base64EncodedString())
    }
}

public struct OutboundResponse: Sendable {
    public let status: Int
    public let headers: [(String, String)]
    public let body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
}

/// A third party answered with a status the caller cannot use; the body's start says why.
public struct UnexpectedStatus: Error, CustomStringConvertible {
    public let service: String
    public let method: String
    public let path: String
    public let status: Int
    public let excerpt: String

    public init(service: String, request: OutboundRequest, response: OutboundResponse) {
        self.service = service
        self.method = request.method
        self.path = URL(string: request.url)?.path ?? "?"
        self.status = response.status
        self.excerpt = String(decoding: response.body.prefix(300), as: UTF8.self)
    }

    public var description: String { "\(service) answered \(status) to \(method) \(path): \(excerpt)" }
}
