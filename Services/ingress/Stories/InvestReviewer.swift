import DocumentWriting
import KinexusServiceKit
import Logging
import StoryRules

/// The INVEST check the stories API runs: the configured language model when there is one, answering
/// within `budget`; the heuristic rules when there is none, or when it fails or is late.
struct InvestReviewer: Sendable {
    let model: (any LanguageModel)?
    let budget: Duration
    let logger: Logger

    init(model: (any LanguageModel)?, budget: Duration = .seconds(15), logger: Logger) {
        self.model = model
        self.budget = budget
        self.logger = logger
    }

    func warnings(for story: StoryDraft) async -> [InvestWarning] {
        guard let model else { return InvestCheck.warnings(for: story) }
        do {
            return try await withTimeout(budget) {
                try InvestPrompt.warnings(from: try await model.complete(system: InvestPrompt.system,
                                                                          prompt: InvestPrompt.prompt(for: story)))
            }
        } catch {
            logger.warning("the language model's INVEST check failed; using the heuristic rules",
                           metadata: ["error": "\(error)"])
            return InvestCheck.warnings(for: story)
        }
    }
}
