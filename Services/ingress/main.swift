import Ingress
import KinexusServiceKit

let runtime = try ServiceRuntime(service: "ingress")
let configuration = try IngressConfiguration()
let jira = JiraWebhookIntake(configuration: configuration, redis: runtime.redis, publisher: runtime.publisher,
                             logger: runtime.logger)
let github = GitHubWebhookIntake(configuration: configuration, redis: runtime.redis, publisher: runtime.publisher,
                                 logger: runtime.logger)
try await runtime.run { router in
    IngressRoutes(jira: jira, github: github, maximumBodyBytes: configuration.maximumBodyBytes).add(to: router)
}
