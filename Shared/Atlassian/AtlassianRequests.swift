import OutboundHTTP

extension JSONRequests {
    /// Atlassian Cloud's requests: Basic authentication of the account's e-mail and API token.
    init(http: RetryingHTTPClient, baseURL: String, service: String, email: String, apiToken: String) {
        self.init(http: http, baseURL: baseURL,
                  headers: [OutboundRequest.basicAuthorization(user: email, token: apiToken), ("Accept", "application/json")],
                  service: service)
    }
}
