import KinexusJSON
import KinexusSettings
import KnowledgeIndexing
import Logging
import OutboundHTTP

/// OpenAI-compatible `/embeddings` (OpenAI, Ollama, vLLM, llama.cpp's server), up to 64 texts a request;
/// vectors are scaled to unit length, since retrieval takes their dot product as the cosine.
public struct OpenAICompatibleEmbedder: Embedder {
    let requests: JSONRequests
    let model: String
    static let batch = 64

    public init(baseURL: String, model: String, apiKey: String?, http: RetryingHTTPClient) {
        var headers = [("Accept", "application/json")]
        if let apiKey { headers.append(("Authorization", "Bearer \(apiKey)")) }
        requests = JSONRequests(http: http, baseURL: baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL,
                                headers: headers, service: "embeddings")
        self.model = model
    }

    public var name: String { "openai-compatible:\(model)" }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        for start in stride(from: 0, to: texts.count, by: Self.batch) {
            let batch = Array(texts[start..<min(start + Self.batch, texts.count)])
            let (_, answer) = try await requests.send(
                "POST", "/embeddings", body: ["model": .string(model), "input": .array(batch.map(JSONValue.string))], accepting: [200])
            let data = answer["data"]?.arrayValue ?? []
            guard data.count == batch.count else {
                throw UnexpectedAnswer(service: "embeddings", problem: "\(data.count) embeddings for \(batch.count) inputs")
            }
            let ordered = data.sorted { ($0["index"]?.intValue ?? 0) < ($1["index"]?.intValue ?? 0) }
            for item in ordered {
                guard let values = item["embedding"]?.arrayValue, !values.isEmpty else {
                    throw UnexpectedAnswer(service: "embeddings", problem: "an item without an embedding")
                }
                let vector = values.map { Float($0.numberValue ?? 0) }
                let length = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
                vectors.append(length > 0 ? vector.map { $0 / length } : vector)
            }
        }
        return vectors
    }
}

/// The embedder every service that indexes or retrieves must share: `KINEXUS_EMBEDDINGS_BASE_URL` with
/// `KINEXUS_EMBEDDINGS_MODEL` (and `KINEXUS_EMBEDDINGS_API_KEY` if the endpoint wants one) for an
/// OpenAI-compatible endpoint; nothing set, the feature-hashing embedder.
public enum EmbedderConfiguration {
    public static func embedder(environment: [String: String], logger: Logger) throws -> any Embedder {
        let value = EnvironmentSettings(environment).optional
        guard let base = value("KINEXUS_EMBEDDINGS_BASE_URL") else { return FeatureHashingEmbedder() }
        guard let model = value("KINEXUS_EMBEDDINGS_MODEL") else { throw InvalidSetting(missing: "KINEXUS_EMBEDDINGS_MODEL", because: "KINEXUS_EMBEDDINGS_BASE_URL") }
        return OpenAICompatibleEmbedder(baseURL: base, model: model, apiKey: value("KINEXUS_EMBEDDINGS_API_KEY"),
                                        http: RetryingHTTPClient(service: "embeddings", logger: logger))
    }
}
