import Atlassian
import CodegenRules
import CustomerContexts
import DocumentReview
import Foundation
import Ingress
import KinexusEvents
import KinexusServiceKit
import KinexusSettings
import KnowledgeAPI
import KnowledgeBase
import LanguageModels
import OutboundHTTP
import Stories
import SupportAPI

let runtime = configured { try ServiceRuntime(service: "ingress") }
let environment = ProcessInfo.processInfo.environment
let configuration = configured { try IngressConfiguration(environment: environment) }
let reviews = ReviewAPI(postgres: runtime.postgres, publisher: runtime.publisher, links: DiffLink(environment: environment) {
                           try await SharedSecret.read(DiffLink.sharedSecretKey, redis: runtime.redis)
                       },
                        apiToken: configuration.apiToken, longestWait: runtime.configuration.longestWait, logger: runtime.logger)
let storyStore = StoryStore(client: runtime.postgres, logger: runtime.logger)
let investModel = configured { try WriterConfiguration.model(environment: environment, logger: runtime.logger) }
let investBudget = configured {
    try EnvironmentSettings(environment).duration("KINEXUS_INVEST_TIMEOUT", default: min(.seconds(8), runtime.configuration.requestTimeout / 2),
                                                  under: ("KINEXUS_REQUEST_TIMEOUT", runtime.configuration.requestTimeout))
}
let stories = StoriesAPI(store: storyStore, invest: InvestReviewer(model: investModel?.0, budget: investBudget, logger: runtime.logger),
                         apiToken: configuration.apiToken)
let tasks = TasksAPI(tasks: TaskRequests(client: runtime.postgres, logger: runtime.logger), stories: storyStore,
                     publisher: runtime.publisher, target: configured { try CodegenTarget(environment: environment) },
                     apiToken: configuration.apiToken, logger: runtime.logger)
let jira = configured { try AtlassianSettings(environment: environment) }.jira.map {
    JiraClient(settings: $0, http: RetryingHTTPClient(service: "Jira", logger: runtime.logger))
}
let support = configured { try SupportSettings(environment: environment) }
let embedder = configured { try EmbedderConfiguration.embedder(environment: environment, logger: runtime.logger) }
let embeddings = EmbeddingIndex(client: runtime.postgres, logger: runtime.logger)
let knowledge = KnowledgeAPI(
    bucket: KnowledgeBucket(client: runtime.postgres, logger: runtime.logger),
    retriever: KnowledgeRetriever(client: runtime.postgres, embedder: embedder, index: embeddings, logger: runtime.logger),
    publisher: runtime.publisher, minimumScore: support.minimumScore,
    apiToken: configuration.apiToken, postgres: runtime.postgres, logger: runtime.logger)
let supportStore = SupportStore(client: runtime.postgres, logger: runtime.logger)
let supportAPI = SupportAPI(
    store: supportStore,
    contexts: CustomerContexts(
        store: supportStore,
        interactions: Interactions(redis: runtime.redis, timeToLive: support.interactionTTL), redis: runtime.redis,
        cacheSize: support.cacheSize, cacheTTL: support.cacheTTL),
    publisher: runtime.publisher, apiToken: configuration.apiToken, longestWait: runtime.configuration.longestWait,
    logger: runtime.logger)
try await runtime.run(migrations: try StoryStore.migrations() + KnowledgeBucket.migrations(), warmUp: { try await embeddings.load() }) {
    router in
    IngressRoutes(configuration: configuration, redis: runtime.redis, publisher: runtime.publisher, jiraClient: jira,
                  logger: runtime.logger).add(to: router)
    reviews.add(to: router)
    PagesAPI(postgres: runtime.postgres, configuration: configuration, logger: runtime.logger).add(to: router)
    DocumentsAPI(postgres: runtime.postgres, apiToken: configuration.apiToken, logger: runtime.logger).add(to: router)
    stories.add(to: router)
    tasks.add(to: router)
    knowledge.add(to: router)
    supportAPI.add(to: router)
}
