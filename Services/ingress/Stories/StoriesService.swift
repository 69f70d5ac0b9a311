import CodegenRules
import KinexusBus
import KinexusPostgres
import KinexusSettings
import LanguageModels
import Logging
import PostgresNIO

/// The ingress's stories and tasks wired once, for its `main` and the tests: the story tree with the INVEST
/// check (the model `KINEXUS_LLM_*` configures, answering within `KINEXUS_INVEST_TIMEOUT`), and the task
/// API naming the codegen target `KINEXUS_GITHUB_REPO` or `KINEXUS_CODEGEN_REPOSITORY` sets.
public struct StoriesService: Sendable {
    public let stories: StoriesAPI
    public let tasks: TasksAPI
    /// The story tree's changes, for the console.
    public let editor: StoryEditor

    public init(postgres: PostgresClient, publisher: EventPublisher, environment: [String: String], requestTimeout: Duration,
                logger: Logger) throws {
        let store = StoryStore(client: postgres, logger: logger)
        let budget = try EnvironmentSettings(environment).duration(
            "KINEXUS_INVEST_TIMEOUT", default: min(.seconds(8), requestTimeout / 2), under: ("KINEXUS_REQUEST_TIMEOUT", requestTimeout))
        stories = StoriesAPI(store: store, invest: InvestReviewer(
            model: try WriterConfiguration.model(environment: environment, logger: logger)?.0, budget: budget, logger: logger))
        editor = stories.editor
        tasks = TasksAPI(tasks: TaskRequests(client: postgres, logger: logger), stories: store, publisher: publisher,
                         target: try CodegenTarget(environment: environment), logger: logger)
    }

    public static func migrations() throws -> [Migration] {
        try StoryStore.migrations()
    }
}
