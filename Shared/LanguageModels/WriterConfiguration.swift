import DocumentWriting
import KinexusSettings
import Logging
import OutboundHTTP

/// The writer `KINEXUS_LLM_PROVIDER` names: `template` (the default, offline), `openai` (any
/// OpenAI-compatible endpoint) or `anthropic`, with `KINEXUS_LLM_BASE_URL`, `KINEXUS_LLM_MODEL`,
/// `KINEXUS_LLM_API_KEY`, `KINEXUS_LLM_TIMEOUT` (seconds per attempt, default 120) and
/// `KINEXUS_LLM_MAX_PROMPT_CHARS` (default 24000).
public enum WriterConfiguration {
    public static func writer(environment: [String: String], logger: Logger) throws -> any TextGenerator {
        guard let (model, promptLimit) = try model(environment: environment, logger: logger) else { return TemplateWriter() }
        return ModelWriter(model: model, promptLimit: promptLimit)
    }

    /// The model `KINEXUS_LLM_*` configures and the prompt bound, or nil for `template`: no model at all.
    public static func model(environment: [String: String], logger: Logger) throws -> (any LanguageModel, promptLimit: Int)? {
        let value = EnvironmentSettings(environment).optional
        let provider = value("KINEXUS_LLM_PROVIDER")?.lowercased() ?? "template"
        if provider == "template" { return nil }
        guard let model = value("KINEXUS_LLM_MODEL") else {
            throw InvalidSetting("KINEXUS_LLM_MODEL", problem: "must name a model when KINEXUS_LLM_PROVIDER is \(provider)")
        }
        let timeout = try number("KINEXUS_LLM_TIMEOUT", value, default: 120, within: 1...3_600)
        let promptLimit = try number("KINEXUS_LLM_MAX_PROMPT_CHARS", value, default: 24_000, within: 1_000...1_000_000)
        let http = RetryingHTTPClient(service: "LLM \(provider)", policy: .init(timeout: .seconds(timeout), firstDelay: .seconds(1)),
                                      logger: logger)
        let client: any LanguageModel
        switch provider {
        case "openai":
            let base = value("KINEXUS_LLM_BASE_URL") ?? "https://api.openai.com/v1"
            client = OpenAICompatibleModel(baseURL: base, model: model, apiKey: value("KINEXUS_LLM_API_KEY"), http: http)
        case "anthropic":
            guard let key = value("KINEXUS_LLM_API_KEY") else {
                throw InvalidSetting("KINEXUS_LLM_API_KEY", problem: "is required by the anthropic provider")
            }
            let base = value("KINEXUS_LLM_BASE_URL") ?? "https://api.anthropic.com"
            client = AnthropicModel(baseURL: base, model: model, apiKey: key, http: http)
        default:
            throw InvalidSetting("KINEXUS_LLM_PROVIDER", problem: "is '\(provider)'; use template, openai or anthropic")
        }
        return (TracedModel(model: client, provider: provider, name: model), promptLimit)
    }

    /// A whole number within `range`: a timeout of 10¹⁸ seconds would overflow the HTTP client's clock.
    private static func number(
        _ name: String, _ value: (String) -> String?, default fallback: Int, within range: ClosedRange<Int>
    ) throws -> Int {
        guard let text = value(name) else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            throw InvalidSetting(name, problem: "must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return number
    }
}
