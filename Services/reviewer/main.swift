import Atlassian
import DocumentReview
import Foundation
import KinexusServiceKit
import OutboundHTTP
import Reviewing

let runtime = configured { try ServiceRuntime(service: "reviewer") }
let environment = ProcessInfo.processInfo.environment
let links = DiffLink(environment: environment) { try await SharedSecret.read(DiffLink.sharedSecretKey, redis: runtime.redis) }
let jira = configured { try AtlassianSettings(environment: environment) }.jira.map {
    JiraClient(settings: $0, http: RetryingHTTPClient(service: "Jira", logger: runtime.logger))
}
let reviewer = Reviewer(client: runtime.postgres, links: links, jira: jira, logger: runtime.logger)
try await runtime.run(migrations: try Reviewer.migrations(), subscriptions: try reviewer.subscriptions())
