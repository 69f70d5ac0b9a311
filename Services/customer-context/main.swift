import CustomerContexts
import Foundation
import KinexusServiceKit
import KnowledgeBase

let runtime = configured { try ServiceRuntime(service: "customer-context") }
let settings = configured { try SupportSettings(environment: ProcessInfo.processInfo.environment) }
let embedder = configured { try EmbedderConfiguration.embedder(environment: ProcessInfo.processInfo.environment, logger: runtime.logger) }
let store = SupportStore(client: runtime.postgres, logger: runtime.logger)
let contexts = CustomerContexts(
    store: store, interactions: Interactions(redis: runtime.redis, timeToLive: settings.interactionTTL), redis: runtime.redis,
    cacheSize: settings.cacheSize, cacheTTL: settings.cacheTTL)
let embeddings = EmbeddingIndex(client: runtime.postgres, logger: runtime.logger)
let retriever = KnowledgeRetriever(client: runtime.postgres, embedder: embedder, index: embeddings, logger: runtime.logger)
let enricher = TicketEnricher(contexts: contexts, store: store, retriever: retriever, minimumScore: settings.minimumScore,
                              logger: runtime.logger)
try await runtime.run(migrations: try SupportStore.migrations(), warmUp: { try await embeddings.load() },
                      subscriptions: try enricher.subscriptions())
