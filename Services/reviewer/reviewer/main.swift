import Foundation
import KinexusServiceKit
import Reviewing

let runtime = configured { try ServiceRuntime(service: "reviewer") }
let reviewer = configured {
    try Reviewer.composed(postgres: runtime.postgres, redis: runtime.redis, environment: ProcessInfo.processInfo.environment,
                          logger: runtime.logger)
}
try await runtime.run(migrations: try Reviewer.migrations(), subscriptions: try reviewer.subscriptions())
