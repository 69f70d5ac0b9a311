import Foundation

/// Which closed tickets are worth documenting: the original system's smart filter, every rule
/// configurable, each decision carrying the reason a person would give.
public struct ChangeFilter: Sendable {
    public struct Decision: Sendable, Equatable {
        public let accepted: Bool
        public let reason: String

        public init(accepted: Bool, reason: String) {
            self.accepted = accepted
            self.reason = reason
        }

        static func accept(_ reason: String) -> Decision { Decision(accepted: true, reason: reason) }
        static func reject(_ reason: String) -> Decision { Decision(accepted: false, reason: reason) }
    }

    public var evaluatedEvents: Set<String> = ["jira:issue_updated", "jira:issue_created"]
    public var triggerStatuses: Set<String> = ["Done", "Closed", "Resolved", "Complete"]
    /// A transition into a trigger status must come from one of these, unless a documentation label is set.
    public var workStatuses: Set<String> = ["In Progress", "In Review", "Testing", "QA"]
    public var documentationLabels: Set<String> = ["needs-docs", "documentation", "api-change", "breaking-change", "new-feature"]
    public var skipLabels: Set<String> = ["no-docs", "internal-only", "tech-debt", "refactor"]
    public var skipResolutions: Set<String> = ["Won't Fix", "Won't Do", "Duplicate", "Cannot Reproduce", "Invalid"]
    public var skipTypes: Set<String> = ["Sub-task", "Subtask", "Test", "Bug"]
    /// Labels that let a skipped type through: a bug that changes an API is worth documenting.
    public var typeOverrideLabels: Set<String> = ["breaking-change", "api-change", "documentation"]
    public var storyPointsField = "customfield_10016"
    public var minimumStoryPoints: Double = 2
    /// Tickets created longer ago than this, when the update arrives, are skipped unless labelled.
    public var maximumAge: TimeInterval = 90 * 86_400

    public init() {}

    public func decide(_ webhook: JiraWebhook) -> Decision {
        guard evaluatedEvents.contains(webhook.event) else {
            return .reject("\(webhook.event) events are not evaluated")
        }
        let labels = Set(webhook.labels.map { $0.lowercased() })
        if let skip = skipLabels.first(where: { labels.contains($0.lowercased()) }) {
            return .reject("labelled \(skip)")
        }
        guard triggerStatuses.contains(webhook.status) else {
            return .reject("status '\(webhook.status)' is not one of \(listed(triggerStatuses))")
        }
        if let resolution = webhook.resolution, skipResolutions.contains(resolution) {
            return .reject("resolved as '\(resolution)'")
        }
        let documentationLabel = documentationLabels.first { labels.contains($0.lowercased()) }
        if skipTypes.contains(webhook.issueType), !typeOverrideLabels.contains(where: { labels.contains($0.lowercased()) }) {
            return .reject("\(webhook.issueType) tickets are not documented unless labelled \(listed(typeOverrideLabels))")
        }
        if documentationLabel == nil {
            guard let transition = webhook.statusChange else {
                return .reject("the update does not move the ticket into '\(webhook.status)'")
            }
            guard let from = transition.from, workStatuses.contains(from) else {
                return .reject("moved from '\(transition.from ?? "nothing")', not from \(listed(workStatuses))")
            }
        }
        if let points = webhook.number(field: storyPointsField), points < minimumStoryPoints {
            return .reject("\(formatted(points)) story points, below \(formatted(minimumStoryPoints))")
        }
        if documentationLabel == nil, let created = webhook.created,
           webhook.timestamp.timeIntervalSince(created) > maximumAge {
            let days = webhook.timestamp.timeIntervalSince(created) / 86_400
            return .reject("created \(wholeDays(days)) days before this update, older than \(wholeDays(maximumAge / 86_400)) days")
        }
        if let documentationLabel {
            return .accept("'\(webhook.status)' and labelled \(documentationLabel)")
        }
        return .accept("moved from '\(webhook.statusChange?.from ?? "")' to '\(webhook.status)'")
    }

    private func listed(_ values: Set<String>) -> String {
        values.sorted().joined(separator: ", ")
    }

    /// Whole days for a reason's text; a day count no Int holds is said as the number it is.
    private func wholeDays(_ days: Double) -> String {
        Int(exactly: days.rounded(.down)).map(String.init) ?? String(days)
    }

    private func formatted(_ number: Double) -> String {
        Int(exactly: number).map(String.init) ?? String(number)
    }
}
