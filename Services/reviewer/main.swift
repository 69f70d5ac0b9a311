import DocumentReview
import Foundation
import KinexusServiceKit
import Reviewing

let runtime = try ServiceRuntime(service: "reviewer")
let links = DiffLink(environment: ProcessInfo.processInfo.environment)
if links.isLocalDefault {
    runtime.logger.warning("KINEXUS_LINK_SECRET is not set: diff links are signed with the local default")
}
let reviewer = Reviewer(client: runtime.postgres, links: links, logger: runtime.logger)
try await runtime.run(migrations: try Reviewer.migrations(), subscriptions: try reviewer.subscriptions())
