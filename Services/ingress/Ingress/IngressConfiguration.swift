import ChangeIntake
import Foundation
import KinexusSettings

/// The ingress's own settings, from `KINEXUS_*` variables; the smart filter's defaults are the original's.
public struct IngressConfiguration: Sendable {
    /// When set, every Jira delivery must carry a valid `X-Hub-Signature`.
    public var jiraWebhookSecret: String?
    /// When set, every GitHub delivery must carry a valid `X-Hub-Signature-256`.
    public var githubWebhookSecret: String?
    /// Every mutating API call must carry `Authorization: Bearer <token>`; without one they are refused.
    public var apiToken: String?
    public var filter: ChangeFilter
    /// Which reviews and comments on a task's pull request ask Kinexus for changes.
    public var codeReview: GitHubCodeReview.Rules
    /// How long a delivery id is remembered to answer a repeat without publishing again.
    public var deliveryMemory: Duration
    public var maximumBodyBytes: Int
    /// Whether `/pages` answers without the API token.
    public var publicPages: Bool

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func list(_ name: String) -> Set<String>? {
            environment[name].map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }) }
        }
        let settings = EnvironmentSettings(environment)
        jiraWebhookSecret = settings.optional("KINEXUS_JIRA_WEBHOOK_SECRET")
        githubWebhookSecret = settings.optional("KINEXUS_GITHUB_WEBHOOK_SECRET")
        apiToken = settings.optional("KINEXUS_API_TOKEN")
        var filter = ChangeFilter()
        filter.triggerStatuses = list("KINEXUS_DOCS_TRIGGER_STATUSES") ?? filter.triggerStatuses
        filter.workStatuses = list("KINEXUS_DOCS_WORK_STATUSES") ?? filter.workStatuses
        filter.documentationLabels = list("KINEXUS_DOCS_LABELS") ?? filter.documentationLabels
        filter.skipLabels = list("KINEXUS_DOCS_SKIP_LABELS") ?? filter.skipLabels
        filter.skipResolutions = list("KINEXUS_DOCS_SKIP_RESOLUTIONS") ?? filter.skipResolutions
        filter.skipTypes = list("KINEXUS_DOCS_SKIP_TYPES") ?? filter.skipTypes
        filter.storyPointsField = environment["KINEXUS_JIRA_STORY_POINTS_FIELD"] ?? filter.storyPointsField
        if let text = environment["KINEXUS_DOCS_MIN_STORY_POINTS"] {
            guard let points = Double(text), points >= 0, points.isFinite else {
                throw InvalidSetting("KINEXUS_DOCS_MIN_STORY_POINTS", value: text, expected: "a number ≥ 0")
            }
            filter.minimumStoryPoints = points
        }
        if let text = environment["KINEXUS_DOCS_MAX_AGE_DAYS"] {
            guard let days = Double(text), days > 0, days <= 36_500 else {
                throw InvalidSetting("KINEXUS_DOCS_MAX_AGE_DAYS", value: text, expected: "a number of days from 1 to 36500")
            }
            filter.maximumAge = days * 86_400
        }
        self.filter = filter
        let mention = settings.string("KINEXUS_GITHUB_MENTION", default: "@kinexus")
        guard mention.hasPrefix("@"), mention.count > 1,
              mention.dropFirst().allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_/".contains($0)) })
        else {
            throw InvalidSetting("KINEXUS_GITHUB_MENTION", value: mention, expected: "a GitHub handle such as @kinexus")
        }
        codeReview = GitHubCodeReview.Rules(mention: mention, users: list("KINEXUS_GITHUB_ALLOWED_USERS") ?? [],
                                            ownLogin: settings.optional("KINEXUS_GITHUB_LOGIN"))
        deliveryMemory = .seconds(7 * 86_400)
        maximumBodyBytes = 1024 * 1024
        switch environment["KINEXUS_PUBLIC_PAGES"]?.lowercased() {
        case nil, "", "true": publicPages = true
        case "false": publicPages = false
        case let other?: throw InvalidSetting("KINEXUS_PUBLIC_PAGES", value: other, expected: "true or false")
        }
    }
}
