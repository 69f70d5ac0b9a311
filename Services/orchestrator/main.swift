import DocumentWriting
import KinexusServiceKit
import Orchestration

let runtime = try ServiceRuntime(service: "orchestrator")
let store = DocumentStore(client: runtime.postgres, logger: runtime.logger)
let orchestrator = Orchestrator(store: store, writer: TemplateWriter())
try await runtime.run(migrations: try DocumentStore.migrations(), subscriptions: try orchestrator.subscriptions())
