import DocumentWriting
import KinexusJSON
import OutboundHTTP

/// Anthropic's Messages API.
public struct AnthropicModel: LanguageModel {
    static let apiVersion = "2023-06-01"

    let baseURL: String
    let model: String
    let apiKey: String
    let maxTokens: Int
    let http: RetryingHTTPClient

    public init(baseURL: String, model: String, apiKey: String, maxTokens: Int = 4096, http: RetryingHTTPClient) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.model = model
        self.apiKey = apiKey
        self.maxTokens = maxTokens
        self.http = http
    }

    public func complete(system: String, prompt: String) async throws -> String {
        let body: JSONValue = [
            "model": .string(model),
            "max_tokens": .number(Double(maxTokens)),
            "system": .string(system),
            "messages": [["role": "user", "content": .string(prompt)]],
        ]
        let headers = [("Content-Type", "application/json"), ("x-api-key", apiKey), ("anthropic-version", Self.apiVersion)]
        let answer = try await sendJSON(http, OutboundRequest(method: "POST", url: baseURL + "/v1/messages",
                                                              headers: headers, body: Array(body.jsonText.utf8)))
        let texts = (answer["content"]?.arrayValue ?? []).filter { $0["type"] == "text" }.compactMap { $0["text"]?.stringValue }
        guard !texts.isEmpty else { throw UnusableAnswer(provider: "Anthropic Messages", problem: "no text content") }
        return texts.joined()
    }
}
