import CustomerContexts
import Foundation
import KinexusServiceKit

let runtime = configured { try ServiceRuntime(service: "customer-context") }
let service = configured {
    try CustomerContextService(postgres: runtime.postgres, redis: runtime.redis, environment: ProcessInfo.processInfo.environment,
                               logger: runtime.logger)
}
try await runtime.run(migrations: try CustomerContextService.migrations(), warmUp: service.warmUp,
                      subscriptions: try service.subscriptions())
