import DocumentReview
import Foundation
import KinexusServiceKit
import Reviewing

let runtime = try ServiceRuntime(service: "reviewer")
let environment = ProcessInfo.processInfo.environment.filter { !$0.value.isEmpty }
let links = DiffLink(
    secret: environment["KINEXUS_LINK_SECRET"] ?? "kinexus-local-link-secret",
    baseURL: environment["KINEXUS_PUBLIC_URL"] ?? "http://localhost:8080")
if environment["KINEXUS_LINK_SECRET"] == nil {
    runtime.logger.warning("KINEXUS_LINK_SECRET is not set: diff links are signed with the local default")
}
let reviewer = Reviewer(client: runtime.postgres, links: links, logger: runtime.logger)
try await runtime.run(migrations: try Reviewer.migrations(), subscriptions: try reviewer.subscriptions())
