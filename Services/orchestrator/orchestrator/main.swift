import Foundation
import KinexusServiceKit
import Orchestration

let runtime = configured { try ServiceRuntime(service: "orchestrator") }
let orchestrator = configured {
    try Orchestrator.composed(postgres: runtime.postgres, environment: ProcessInfo.processInfo.environment, logger: runtime.logger)
}
try await runtime.run(migrations: try Orchestrator.migrations(), subscriptions: try orchestrator.subscriptions())
