import Accounts
import ArgumentParser
import Atlassian
import Console
import DocumentQueries
import DocumentReview
import DocumentsAPI
import EventBridgeAPI
import EventBridgeRules
import EventRules
import Foundation
import Ingress
import KinexusBus
import KinexusRedis
import KinexusServiceKit
import KnowledgeAPI
import KnowledgeQueries
import OutboundHTTP
import PagesAPI
import ReviewAPI
import Stories
import SupportAPI
import SupportQueries
import TaskQueries

/// The ingress service, one process: `kinexus ingress`.
public struct IngressCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ingress", abstract: "The front door: webhooks, the HTTP APIs and the console.")

    public init() {}

    public func run() async throws {
        let runtime = configured { try ServiceRuntime(service: "ingress") }
        let environment = ProcessInfo.processInfo.environment
        let configuration = configured { try IngressConfiguration(environment: environment) }
        let (postgres, redis, publisher, logger) = (runtime.postgres, runtime.redis, runtime.publisher, runtime.logger)
        let jira = configured { try AtlassianSettings(environment: environment) }.jira.map {
            JiraClient(settings: $0, http: RetryingHTTPClient(service: "Jira", logger: logger))
        }
        let webhooks = WebhookRoutes(configuration: configuration, redis: redis, publisher: publisher, jiraClient: jira,
                                     tasks: TaskQueries(client: postgres, logger: logger), logger: logger)
        let reviews = ReviewAPI(postgres: postgres, publisher: publisher, links: DiffLink(environment: environment) {
            try await SharedSecret.read(DiffLink.sharedSecretKey, redis: redis)
        }, longestWait: runtime.configuration.longestWait, logger: logger)
        let stories = configured {
            try StoriesService(postgres: postgres, publisher: publisher, environment: environment,
                               requestTimeout: runtime.configuration.requestTimeout, logger: logger)
        }
        let support = configured { try SupportSettings(environment: environment) }
        let retriever = configured { try KnowledgeRetriever.composed(postgres: postgres, environment: environment, logger: logger) }
        let knowledge = KnowledgeAPI(postgres: postgres, retriever: retriever, publisher: publisher, minimumRelevance: support.minimumRelevance,
                                     logger: logger)
        let tickets = SupportAPI(records: SupportRecords(client: postgres, logger: logger),
                                 contexts: .composed(postgres: postgres, redis: redis, settings: support, logger: logger),
                                 publisher: publisher, longestWait: runtime.configuration.longestWait)
        let pages = PagesAPI(postgres: postgres, logger: logger).routes
        let feed = ConsoleFeed(redis: redis.configuration, logger: logger)
        let console = Console(postgres: postgres, redis: redis, publisher: publisher, decisions: reviews, stories: stories, support: tickets,
                              knowledge: knowledge, feed: feed,
                              settings: configured { try ConsoleSettings(environment: environment) },
                              templates: try await ConsoleTemplates.load(), logger: logger)
        let aws = EventBridgeAPI(credentials: configured { try AWSCredentials(environment: environment) },
                                 secrets: configured { try SecretBox(environment: environment) }, publisher: publisher, redis: redis,
                                 postgres: postgres, logger: logger)
        let authenticated = APITokenAuthentication<KinexusRequestContext>(apiToken: configuration.apiToken)
        try await runtime.run(migrations: try StoriesService.migrations() + KnowledgeAPI.migrations() + Accounts.migrations() + RuleStore.migrations(), warmUp: {
            try await retriever.index.load()
            do {
                try await BusAdmin(redis: redis).backfillDeadLetterGroups()
            } catch {
                // The ingress serves (and answers 503 where it needs Redis) while Redis is down.
                logger.warning("cannot list the dead-letter queues made before kinexus:dlq-groups: the console misses them until a restart",
                               metadata: ["error": "\(error)"])
            }
            try await console.addFirstAdministrator(environment: environment, logger: logger)
        }, background: [feed]) { router in
            router.addRoutes(console.routes)
            router.addRoutes(webhooks.routes)
            router.addRoutes(reviews.linkRoutes)
            router.addRoutes(aws.routes)
            if configuration.publicPages { router.addRoutes(pages) }
            let api = router.group().add(middleware: authenticated)
            if !configuration.publicPages { api.addRoutes(pages) }
            api.addRoutes(DocumentsAPI(documents: DocumentQueries(client: postgres, logger: logger)).routes)
            api.addRoutes(reviews.routes)
            api.addRoutes(stories.stories.routes)
            api.addRoutes(stories.tasks.routes)
            api.addRoutes(knowledge.routes)
            api.addRoutes(tickets.routes)
        }
    }
}
