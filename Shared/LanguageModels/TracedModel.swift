import DocumentWriting
import Tracing

/// A model whose every completion is a span with the semantic conventions' generative-AI attributes; the
/// HTTP request (and its retries) are its children.
struct TracedModel: LanguageModel {
    let model: any LanguageModel
    let provider: String
    let name: String

    func complete(system: String, prompt: String) async throws -> String {
        try await withSpan("chat \(name)", ofKind: .client) { span in
            if span.isRecording {
                span.attributes["gen_ai.operation.name"] = "chat"
                span.attributes["gen_ai.provider.name"] = provider
                span.attributes["gen_ai.request.model"] = name
                span.attributes["kinexus.prompt.characters"] = system.count + prompt.count
            }
            let answer = try await model.complete(system: system, prompt: prompt)
            span.attributes["kinexus.answer.characters"] = answer.count
            return answer
        }
    }
}
