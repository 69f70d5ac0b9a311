import Hummingbird

/// `Authorization: Bearer <token>`, compared in constant time.
public enum BearerToken {
    public static func matches(_ header: String?, _ token: String) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        let given = Array(header.dropFirst(7).utf8), expected = Array(token.utf8)
        return given.count == expected.count && zip(given, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The answer to a mutating call without the API token: 401, or 503 when no token is configured (the
    /// API is closed rather than open to anyone). Nil when the request may go on.
    public static func refusal(of request: Request, apiToken: String?) -> Response? {
        guard let apiToken else {
            return jsonResponse(.serviceUnavailable, ErrorBody(error: "KINEXUS_API_TOKEN is not configured", code: "no_api_token"))
        }
        guard matches(request.headers[.authorization], apiToken) else {
            return jsonResponse(.unauthorized, ErrorBody(error: "Authorization: Bearer <KINEXUS_API_TOKEN> is required", code: "unauthorized"))
        }
        return nil
    }
}
