import DocumentWriting
import KinexusJSON
import OutboundHTTP

/// OpenAI-compatible chat completions: OpenAI itself, Ollama, vLLM, llama.cpp's server.
public struct OpenAICompatibleModel: LanguageModel {
    let baseURL: String
    let model: String
    let apiKey: String?
    let http: RetryingHTTPClient

    public init(baseURL: String, model: String, apiKey: String?, http: RetryingHTTPClient) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.model = model
        self.apiKey = apiKey
        self.http = http
    }

    public func complete(system: String, prompt: String) async throws -> String {
        let body: JSONValue = [
            "model": .string(model),
            "messages": [["role": "system", "content": .string(system)], ["role": "user", "content": .string(prompt)]],
            "temperature": .number(0.2),
        ]
        var headers = [("Content-Type", "application/json")]
        if let apiKey { headers.append(("Authorization", "Bearer \(apiKey)")) }
        let answer = try await sendJSON(http, OutboundRequest(method: "POST", url: baseURL + "/chat/completions",
                                                              headers: headers, body: Array(body.jsonText.utf8)))
        guard let text = answer["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue else {
            throw UnusableAnswer(provider: "chat completions", problem: "no choices[0].message.content")
        }
        return text
    }
}
