import Approval
import Atlassian
import Foundation
import KinexusServiceKit
import OutboundHTTP

let runtime = configured { try ServiceRuntime(service: "approver") }
let environment = ProcessInfo.processInfo.environment.filter { !$0.value.isEmpty }
let atlassian = configured { try AtlassianSettings(environment: environment) }
let approver = Approver(
    client: runtime.postgres,
    approvers: environment["KINEXUS_APPROVERS"].map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) },
    ownAuthor: environment["KINEXUS_JIRA_ACCOUNT_ID"],
    publicURL: environment["KINEXUS_PUBLIC_URL"] ?? "http://localhost:8080",
    jira: atlassian.jira.map { JiraClient(settings: $0, http: RetryingHTTPClient(service: "Jira", logger: runtime.logger)) },
    confluence: atlassian.confluence.map {
        ConfluenceClient(settings: $0, http: RetryingHTTPClient(service: "Confluence", logger: runtime.logger), logger: runtime.logger)
    },
    logger: runtime.logger)
try await runtime.run(migrations: try Approver.migrations(), subscriptions: try approver.subscriptions())
