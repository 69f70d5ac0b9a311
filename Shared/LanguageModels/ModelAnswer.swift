import KinexusJSON
import OutboundHTTP

/// The model's provider answered 2xx with something that is not a completion.
public struct UnusableAnswer: Error, CustomStringConvertible {
    public let provider: String
    public let problem: String
    public var description: String { "\(provider) answered without a completion: \(problem)" }
}

func sendJSON(_ http: RetryingHTTPClient, _ request: OutboundRequest) async throws -> JSONValue {
    let response = try await http.send(request)
    guard response.isSuccess else { throw UnexpectedStatus(service: "language model", request: request, response: response) }
    guard let answer = try? JSONValue(parsing: response.body) else {
        throw UnusableAnswer(provider: "language model", problem: "the body is not JSON")
    }
    return answer
}
