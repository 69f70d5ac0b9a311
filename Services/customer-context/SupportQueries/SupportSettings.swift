import KinexusSettings

/// `KINEXUS_INTERACTION_TTL_DAYS` (90), `KINEXUS_CONTEXT_CACHE_SIZE` (10,000 customers),
/// `KINEXUS_CONTEXT_CACHE_TTL` (5 minutes) and `KINEXUS_KB_MIN_RELEVANCE`: the relevance a knowledge hit
/// needs to be suggested, 0.24 by default, between what the demo knowledge base's answers reach and what
/// questions it does not answer get (docs/relevance.md); `KINEXUS_KB_GAP_SCORE` (0.24), below which a ticket's
/// best hit does not answer it, `KINEXUS_KB_GAP_SIMILARITY` (0.3), how alike two tickets must be to share
/// a knowledge gap, and `KINEXUS_KB_GAP_MIN_TICKETS` (3), the tickets (from two customers at least) a gap
/// holds when its article is drafted by itself.
public struct SupportSettings: Sendable {
    public let interactionTTL: Duration
    public let cacheSize: Int
    public let cacheTTL: Duration
    public let minimumRelevance: Double
    public let gapScore: Double
    public let gapSimilarity: Float
    public let gapMinimumTickets: Int

    public init(environment: [String: String]) throws {
        let settings = EnvironmentSettings(environment)
        interactionTTL = .seconds(try settings.integer("KINEXUS_INTERACTION_TTL_DAYS", default: 90, range: 1...3650) * 86_400)
        cacheSize = try settings.integer("KINEXUS_CONTEXT_CACHE_SIZE", default: 10_000, range: 1...1_000_000)
        cacheTTL = try settings.duration("KINEXUS_CONTEXT_CACHE_TTL", default: .seconds(300))
        // A fused score's floor would mean something else as a relevance's: refused rather than misread.
        guard settings.optional("KINEXUS_KB_MIN_SCORE") == nil else {
            throw InvalidSetting("KINEXUS_KB_MIN_SCORE", problem: "was replaced by KINEXUS_KB_MIN_RELEVANCE, an absolute relevance from 0 to 1: unset it")
        }
        minimumRelevance = try settings.decimal("KINEXUS_KB_MIN_RELEVANCE", default: 0.24, range: 0...1)
        gapScore = try settings.decimal("KINEXUS_KB_GAP_SCORE", default: 0.24, range: 0...1)
        gapSimilarity = Float(try settings.decimal("KINEXUS_KB_GAP_SIMILARITY", default: 0.3, range: 0...1))
        gapMinimumTickets = try settings.integer("KINEXUS_KB_GAP_MIN_TICKETS", default: 3, range: 2...10_000)
    }
}
