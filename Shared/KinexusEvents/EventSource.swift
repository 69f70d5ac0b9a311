/// The producers of events; the raw value is the envelope's `source`.
public enum EventSource: String, Sendable, Codable, CaseIterable {
    case jira = "kinexus.jira"
    case github = "kinexus.github"
    case orchestrator = "kinexus.orchestrator"
    case reviewer = "kinexus.reviewer"
    case approval = "kinexus.approval"
    case console = "kinexus.console"
    case stories = "kinexus.stories"
    case codegen = "kinexus.codegen"
    case support = "kinexus.support"
    case kb = "kinexus.kb"
}
