import Foundation
import KinexusServiceKit
import LanguageModels
import Orchestration

let runtime = configured { try ServiceRuntime(service: "orchestrator") }
let environment = ProcessInfo.processInfo.environment
let writer = configured { try WriterConfiguration.writer(environment: environment, logger: runtime.logger) }
let store = DocumentStore(client: runtime.postgres, logger: runtime.logger)
let pages = configured { try PageFinders.configured(environment: environment, postgres: runtime.postgres, logger: runtime.logger) }
let orchestrator = Orchestrator(store: store, writer: writer, pages: pages)
try await runtime.run(migrations: try DocumentStore.migrations(), subscriptions: try orchestrator.subscriptions())
