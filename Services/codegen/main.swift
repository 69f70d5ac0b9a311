import Codegen
import Foundation
import GitHub
import KinexusServiceKit
import OutboundHTTP

let runtime = configured { try ServiceRuntime(service: "codegen") }
let settings = configured { try CodegenSettings(environment: ProcessInfo.processInfo.environment) }
let host: any CodeHost = settings.gitHub.map { gitHub in
    GitHubRepository(
        client: GitHubClient(apiURL: gitHub.apiURL, token: gitHub.token, repository: settings.repository,
                             http: RetryingHTTPClient(service: "GitHub", logger: runtime.logger)),
        cloneURL: gitHub.cloneURL, token: gitHub.token)
} ?? LocalRepositories(root: settings.repositories)
let agent: any CodingAgent = settings.agentCommand.map {
    CommandAgent(command: $0, timeout: settings.timeout, transcriptLimit: settings.transcriptLimit)
} ?? ScaffoldAgent()
let worker = CodegenWorker(
    store: TaskStore(client: runtime.postgres, logger: runtime.logger), host: host, agent: agent, settings: settings,
    consumer: runtime.configuration.bus.consumer, maxAttempts: runtime.configuration.bus.maxAttempts, logger: runtime.logger)
runtime.logger.info("codegen ready", metadata: [
    "max_sessions": "\(settings.maxSessions)", "agent": "\(settings.agentCommand == nil ? "scaffold" : "command")",
    "code_host": "\(settings.gitHub == nil ? "local repositories in \(settings.repositories)" : "GitHub \(settings.repository)")",
])
try await runtime.run(migrations: try TaskStore.migrations(), warmUp: { try await AgentLifeline.endOrphans(logger: runtime.logger) },
                      subscriptions: try worker.subscriptions())
