import Foundation
import KinexusSettings

/// Jira and Confluence from `KINEXUS_JIRA_*` and `KINEXUS_CONFLUENCE_*`. Both use the Atlassian account
/// of `KINEXUS_JIRA_EMAIL` and `KINEXUS_JIRA_API_TOKEN`. Nothing set means the embedded defaults; a
/// half-configured integration is refused at startup with the variable that is missing.
public struct AtlassianSettings: Sendable {
    public struct Jira: Sendable {
        public let baseURL: String
        public let email: String
        public let apiToken: String
        public let projectKey: String
    }

    public struct Confluence: Sendable {
        /// The site's wiki root, `https://example.atlassian.net/wiki`.
        public let baseURL: String
        public let email: String
        public let apiToken: String
        public let spaceKey: String
        public let parentID: String?
    }

    public let jira: Jira?
    public let confluence: Confluence?

    public init(environment: [String: String]) throws {
        let value = EnvironmentSettings(environment).optional
        func required(_ name: String, because trigger: String) throws -> String {
            guard let found = value(name) else { throw InvalidSetting(missing: name, because: trigger) }
            return found
        }
        let trimmed = { (url: String) in url.hasSuffix("/") ? String(url.dropLast()) : url }
        if let base = value("KINEXUS_JIRA_BASE_URL") {
            jira = Jira(
                baseURL: trimmed(base),
                email: try required("KINEXUS_JIRA_EMAIL", because: "KINEXUS_JIRA_BASE_URL"),
                apiToken: try required("KINEXUS_JIRA_API_TOKEN", because: "KINEXUS_JIRA_BASE_URL"),
                projectKey: try required("KINEXUS_JIRA_PROJECT_KEY", because: "KINEXUS_JIRA_BASE_URL"))
        } else {
            jira = nil
        }
        if let base = value("KINEXUS_CONFLUENCE_URL") {
            confluence = Confluence(
                baseURL: trimmed(base),
                email: try required("KINEXUS_JIRA_EMAIL", because: "KINEXUS_CONFLUENCE_URL"),
                apiToken: try required("KINEXUS_JIRA_API_TOKEN", because: "KINEXUS_CONFLUENCE_URL"),
                spaceKey: try required("KINEXUS_CONFLUENCE_SPACE_KEY", because: "KINEXUS_CONFLUENCE_URL"),
                parentID: value("KINEXUS_CONFLUENCE_PARENT_ID"))
        } else {
            confluence = nil
        }
    }
}
