/// A chat model that answers one prompt: the seam between the writer and a provider's HTTP API.
public protocol LanguageModel: Sendable {
    func complete(system: String, prompt: String) async throws -> String
}
