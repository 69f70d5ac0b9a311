import Foundation
import KinexusJSON

/// JSON requests to one third party's REST API, each with the headers it wants (authorization, accept).
public struct JSONRequests: Sendable {
    let http: RetryingHTTPClient
    let baseURL: String
    let headers: [(String, String)]
    let service: String

    public init(http: RetryingHTTPClient, baseURL: String, headers: [(String, String)], service: String) {
        self.http = http
        self.baseURL = baseURL
        self.headers = headers
        self.service = service
    }

    /// Sends the request and answers the response when its status is one of `accepted`, its body parsed.
    public func send(
        _ method: String, _ path: String, body: JSONValue? = nil, accepting accepted: Set<Int> = [200, 201, 204]
    ) async throws -> (status: Int, json: JSONValue) {
        var headers = headers
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let request = OutboundRequest(method: method, url: baseURL + path, headers: headers,
                                      body: body.map { Array($0.jsonText.utf8) })
        let response = try await http.send(request)
        guard accepted.contains(response.status) else {
            throw UnexpectedStatus(service: service, request: request, response: response)
        }
        guard !response.body.isEmpty else { return (response.status, .null) }
        do {
            return (response.status, try JSONValue(parsing: response.body))
        } catch {
            throw UnexpectedAnswer(service: service, problem: "\(method) \(path) answered with a body that is not JSON")
        }
    }
}

/// A third party answered with JSON that lacks what its API documents.
public struct UnexpectedAnswer: Error, CustomStringConvertible {
    public let service: String
    public let problem: String

    public init(service: String, problem: String) {
        self.service = service
        self.problem = problem
    }

    public var description: String { "\(service): \(problem)" }
}

/// Percent-encodes a query value or path segment.
public func percentEncoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}
