import FakeServices
import Foundation
import KinexusJSON
import KinexusSettings
@testable import KnowledgeBase
import KnowledgeIndexing
import KnowledgeQueries
import Logging
import OutboundHTTP
import Synchronization
import Testing

/// The OpenAI-compatible embeddings client against a local fake of `/v1/embeddings`.
struct EmbedderTests {
    /// Answers each input with [length of the text, 1, 0…], in reverse order of `index`, as a provider may.
    final class FakeEmbeddings: Sendable {
        let requests = Mutex<[JSONValue]>([])

        func handle(_ request: FakeRequest) -> FakeResponse {
            guard request.method == "POST", request.path == "/v1/embeddings",
                  request.header("Authorization") == "Bearer sk-test",
                  let body = try? JSONValue(parsing: request.body), let inputs = body["input"]?.arrayValue,
                  body["model"] == "text-embedding-3-small"
            else { return .json(400, #"{"error": {"message": "bad request"}}"#) }
            requests.withLock { $0.append(body) }
            let data: [JSONValue] = inputs.enumerated().reversed().map { index, input in
                let length = Double(input.stringValue?.count ?? 0)
                return ["object": "embedding", "index": .number(Double(index)), "embedding": [.number(length), 1, 0]]
            }
            return .json(200, JSONValue.object(["object": "list", "data": .array(data)]).jsonText)
        }
    }

    @Test func embeddingsComeInOrderAtUnitLengthInBatches() async throws {
        let fake = FakeEmbeddings()
        try await withFakeServer({ fake.handle($0) }) { base in
            let embedder = try EmbedderConfiguration.embedder(environment: [
                "KINEXUS_EMBEDDINGS_BASE_URL": base + "/v1/", "KINEXUS_EMBEDDINGS_MODEL": "text-embedding-3-small",
                "KINEXUS_EMBEDDINGS_API_KEY": "sk-test",
            ], logger: Logger(label: "test"))
            #expect(embedder.name == "openai-compatible:text-embedding-3-small")
            let texts = (0..<70).map { String(repeating: "x", count: $0 % 5 + 1) }
            let vectors = try await embedder.embed(texts)
            #expect(vectors.count == 70)
            #expect(fake.requests.withLock { $0.map { $0["input"]?.arrayValue?.count ?? 0 } } == [64, 6])
            for (text, vector) in zip(texts, vectors) {
                let length = Float(text.count)
                #expect(abs(vector[0] - length / (length * length + 1).squareRoot()) < 1e-5)
                #expect(abs(cosine(vector, vector) - 1) < 1e-5)
            }
        }
    }

    @Test func settingsWithoutAModelAreRefusedAndNoneMeanFeatureHashing() throws {
        #expect(throws: InvalidSetting.self) {
            try EmbedderConfiguration.embedder(environment: ["KINEXUS_EMBEDDINGS_BASE_URL": "http://localhost:11434/v1"],
                                               logger: Logger(label: "test"))
        }
        #expect(try EmbedderConfiguration.embedder(environment: [:], logger: Logger(label: "test")).name == "feature-hashing-v2-256")
    }
}
