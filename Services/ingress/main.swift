import DocumentReview
import Foundation
import Ingress
import KinexusServiceKit
import Stories

let runtime = configured { try ServiceRuntime(service: "ingress") }
let environment = ProcessInfo.processInfo.environment
let configuration = configured { try IngressConfiguration(environment: environment) }
let reviews = ReviewAPI(postgres: runtime.postgres, publisher: runtime.publisher, links: DiffLink(environment: environment),
                        apiToken: configuration.apiToken, logger: runtime.logger)
let stories = StoriesAPI(store: StoryStore(client: runtime.postgres, logger: runtime.logger), apiToken: configuration.apiToken)
try await runtime.run(migrations: try StoryStore.migrations()) { router in
    IngressRoutes(configuration: configuration, redis: runtime.redis, publisher: runtime.publisher, logger: runtime.logger)
        .add(to: router)
    reviews.add(to: router)
    PagesAPI(postgres: runtime.postgres, logger: runtime.logger).add(to: router)
    DocumentsAPI(postgres: runtime.postgres, logger: runtime.logger).add(to: router)
    stories.add(to: router)
}
