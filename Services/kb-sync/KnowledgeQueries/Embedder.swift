import KnowledgeIndexing

/// Turns texts into vectors of one fixed dimension.
public protocol Embedder: Sendable {
    /// Names the model and its dimension: chunks embedded under another name are embedded again.
    var name: String { get }
    func embed(_ texts: [String]) async throws -> [[Float]]
}

extension FeatureHashingEmbedder: Embedder {
    public var name: String { "feature-hashing-v2-\(dimensions)" }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map { embed($0) }
    }
}
