import Approval
import Foundation
import KinexusServiceKit

let runtime = configured { try ServiceRuntime(service: "approver") }
let approver = configured {
    try Approver.composed(postgres: runtime.postgres, environment: ProcessInfo.processInfo.environment, logger: runtime.logger)
}
try await runtime.run(migrations: try Approver.migrations(), subscriptions: try approver.subscriptions())
