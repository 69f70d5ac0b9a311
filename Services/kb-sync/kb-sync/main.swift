import Foundation
import KinexusServiceKit
import KnowledgeBase

let runtime = configured { try ServiceRuntime(service: "kb-sync") }
let sync = configured {
    try KnowledgeSync.composed(postgres: runtime.postgres, consumer: runtime.configuration.bus.consumer,
                               environment: ProcessInfo.processInfo.environment, logger: runtime.logger)
}
try await runtime.run(migrations: try KnowledgeSync.migrations(), subscriptions: try sync.subscriptions())
