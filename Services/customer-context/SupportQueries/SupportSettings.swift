import KinexusSettings

/// `KINEXUS_INTERACTION_TTL_DAYS` (90), `KINEXUS_CONTEXT_CACHE_SIZE` (10,000 customers),
/// `KINEXUS_CONTEXT_CACHE_TTL` (5 minutes) and `KINEXUS_KB_MIN_SCORE`: the fused score a knowledge hit
/// needs, 0.5 by default, which a chunk reaches by leading one ranking or by standing fairly high in both.
public struct SupportSettings: Sendable {
    public let interactionTTL: Duration
    public let cacheSize: Int
    public let cacheTTL: Duration
    public let minimumScore: Double

    public init(environment: [String: String]) throws {
        let settings = EnvironmentSettings(environment)
        interactionTTL = .seconds(try settings.integer("KINEXUS_INTERACTION_TTL_DAYS", default: 90, range: 1...3650) * 86_400)
        cacheSize = try settings.integer("KINEXUS_CONTEXT_CACHE_SIZE", default: 10_000, range: 1...1_000_000)
        cacheTTL = try settings.duration("KINEXUS_CONTEXT_CACHE_TTL", default: .seconds(300))
        minimumScore = try settings.decimal("KINEXUS_KB_MIN_SCORE", default: 0.5, range: 0...1)
    }
}
