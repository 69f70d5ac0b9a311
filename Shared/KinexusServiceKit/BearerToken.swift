import Hummingbird

/// `Authorization: Bearer <token>`, compared in constant time.
public enum BearerToken {
    public static func matches(_ header: String?, _ token: String) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        return secretsMatch(String(header.dropFirst(7)), token)
    }
}

/// Whether a secret someone sent is the expected one, in a time that does not tell how much of it was right.
public func secretsMatch(_ given: String, _ expected: String) -> Bool {
    let given = Array(given.utf8), expected = Array(expected.utf8)
    return given.count == expected.count && zip(given, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
}

/// The API token on a group of routes: 401 without it, or 503 when no token is configured (the API is
/// closed rather than open to anyone).
public struct APITokenAuthentication<Context: RequestContext>: RouterMiddleware {
    let apiToken: String?

    public init(apiToken: String?) {
        self.apiToken = apiToken
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let apiToken else {
            throw APIError(.serviceUnavailable, code: "no_api_token", "KINEXUS_API_TOKEN is not configured")
        }
        guard BearerToken.matches(request.headers[.authorization], apiToken) else {
            throw APIError(.unauthorized, code: "unauthorized", "Authorization: Bearer <KINEXUS_API_TOKEN> is required",
                           headers: [.wwwAuthenticate: "Bearer"])
        }
        return try await next(request, context)
    }
}
