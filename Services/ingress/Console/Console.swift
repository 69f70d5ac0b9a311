import Accounts
import DeliveryQueries
import DocumentQueries
import Foundation
import Hummingbird
import HummingbirdAuth
import KinexusBus
import KinexusRedis
import KinexusServiceKit
import KnowledgeAPI
import Logging
import PageQueries
import PostgresNIO
import ReviewAPI
import ReviewQueries
import RuleQueries
import Stories
import SupportAPI
import SupportQueries

/// The console: server-rendered pages at the ingress's root for the people who decide. Signed-out requests
/// are sent to sign in; every form is checked for its origin and token; each decision needs its role.
public struct Console: Sendable {
    let settings: ConsoleSettings
    let templates: ConsoleTemplates
    let accounts: Accounts
    let sessions: RedisPersistDriver
    let signIn: SignInScreen
    let home: HomeScreen
    let reviews: ReviewScreens
    let pages: PageScreens
    let stories: StoryScreens
    let tasks: TaskScreens
    let tickets: SupportScreens
    let gaps: KnowledgeGapScreens
    let operations: OperationScreens
    let rules: RuleScreens
    let users: UserScreens
    let knowledge: KnowledgeScreens
    let events: EventStream
    static let sessionCookie = "kinexus_session"
    static let sessionKeyPrefix = "kinexus:session:"

    public init(postgres: PostgresClient, redis: RedisClient, publisher: EventPublisher, decisions: ReviewAPI, stories: StoriesService,
                support: SupportAPI, knowledge: KnowledgeAPI, feed: ConsoleFeed, settings: ConsoleSettings, templates: ConsoleTemplates,
                logger: Logger) {
        let accounts = Accounts(client: postgres, logger: logger)
        let reviewQueries = ReviewQueries(client: postgres, logger: logger)
        let pageQueries = PageQueries(client: postgres, logger: logger)
        self.settings = settings
        self.templates = templates
        self.accounts = accounts
        sessions = RedisPersistDriver(redis: redis)
        signIn = SignInScreen(accounts: accounts, throttle: SignInThrottle(redis: redis), settings: settings, templates: templates,
                              logger: logger)
        let records = SupportRecords(client: postgres, logger: logger)
        home = HomeScreen(reviews: reviewQueries, pages: pageQueries, editor: stories.editor, tasks: stories.tasks, tickets: records,
                          redis: redis, templates: templates)
        reviews = ReviewScreens(reviews: reviewQueries, documents: DocumentQueries(client: postgres, logger: logger), gaps: records,
                                decisions: decisions, settings: settings, templates: templates)
        pages = PageScreens(pages: pageQueries, templates: templates)
        self.stories = StoryScreens(editor: stories.editor, tasks: stories.tasks, templates: templates)
        tasks = TaskScreens(tasks: stories.tasks, templates: templates)
        tickets = SupportScreens(records: records, support: support, templates: templates)
        gaps = KnowledgeGapScreens(records: records, documents: DocumentQueries(client: postgres, logger: logger), support: support,
                                   templates: templates)
        rules = RuleScreens(rules: RuleQueries(client: postgres, logger: logger), deliveries: DeliveryQueries(client: postgres, logger: logger),
                            redis: redis, templates: templates)
        operations = OperationScreens(redis: redis, publisher: publisher, rules: rules, templates: templates)
        users = UserScreens(accounts: accounts, templates: templates)
        self.knowledge = KnowledgeScreens(knowledge: knowledge, templates: templates)
        events = EventStream(feed: feed, accounts: accounts, redis: redis)
    }

    public var routes: RouteCollection<KinexusRequestContext> {
        let routes = RouteCollection(context: KinexusRequestContext.self)
        routes.get("/console/assets/:file") { _, context in
            guard let asset = templates.asset(context.parameters.get("file") ?? "") else { throw APIError.notFound("no such file") }
            return asset
        }
        let console = routes.group()
            .add(middleware: consoleContentSecurity())
            .add(middleware: ConsoleHeaders())
            .add(middleware: ConsoleErrorPages(templates: templates))
            .add(middleware: SessionMiddleware(storage: sessions, configuration: .init(
                sessionCookieParameters: .init(name: Self.sessionCookie, path: "/", secure: settings.secureCookies, sameSite: .strict),
                keyPrefix: Self.sessionKeyPrefix, defaultSessionExpiration: settings.idleTimeout)))
            .add(middleware: ConsoleAuthenticator(accounts: accounts, settings: settings))
        console.get("/console/sign-in") { request, context in try signIn.show(request, context: context) }
        console.group().add(middleware: FormProtection(token: .signInCookie, settings: settings))
            .post("/console/sign-in") { request, context in try await signIn.signIn(request, context: context) }

        let signedIn = console.group().add(middleware: RequireSignIn()).add(middleware: FormProtection(token: .session, settings: settings))
        signedIn.post("/console/sign-out") { _, context in signIn.signOut(context: context) }
        signedIn.get("/") { request, context in try await home.show(request, context: context) }
        signedIn.get("/console/events") { request, context in try events.open(request, context: context) }
        signedIn.get("/console/reviews") { request, context in try await reviews.queue(request, context: context) }
        signedIn.get("/console/reviews/:id") { request, context in try await reviews.page(request, context: context) }
        signedIn.get("/console/pages") { request, context in try await pages.list(request, context: context) }
        signedIn.get("/console/pages/:slug") { request, context in try await pages.page(request, context: context) }

        signedIn.get("/console/stories") { request, context in try await stories.tree(request, context: context) }
        signedIn.get("/console/stories/:id") { request, context in
            try await stories.page(request, context: context, id: context.parameters.get("id") ?? "")
        }
        signedIn.get("/console/tasks") { request, context in try await tasks.list(request, context: context) }
        signedIn.get("/console/tasks/:id") { request, context in try await tasks.page(request, context: context) }
        signedIn.get("/console/support") { request, context in try await tickets.list(request, context: context) }
        signedIn.get("/console/support/:id") { request, context in try await tickets.page(request, context: context) }
        signedIn.get("/console/knowledge-gaps") { request, context in try await gaps.list(request, context: context) }
        signedIn.get("/console/knowledge-gaps/:id") { request, context in try await gaps.page(request, context: context) }
        signedIn.get("/console/knowledge") { request, context in try await knowledge.page(request, context: context) }

        signedIn.group().add(middleware: Self.requiring(.reviewer))
            .post("/console/reviews/:id/decision") { request, context in try await reviews.decide(request, context: context) }
        let authors = signedIn.group().add(middleware: Self.requiring(.author))
        authors.post("/console/stories") { request, context in try await stories.save(request, context: context) }
        authors.post("/console/stories/:id") { request, context in try await stories.save(request, context: context) }
        authors.post("/console/stories/:id/tests") { request, context in try await stories.addTest(request, context: context) }
        authors.post("/console/stories/:id/generate") { request, context in try await stories.generate(request, context: context) }
        authors.post("/console/tasks/:id/changes") { request, context in try await tasks.askForChanges(request, context: context) }
        let agents = signedIn.group().add(middleware: Self.requiring(.agent))
        agents.post("/console/support/:id/feedback") { request, context in try await tickets.feedback(request, context: context) }
        agents.post("/console/support/:id/resolution") { request, context in try await tickets.resolve(request, context: context) }
        agents.post("/console/knowledge-gaps/:id/draft") { request, context in try await gaps.draft(request, context: context) }
        agents.post("/console/knowledge/upload") { request, context in try await knowledge.upload(request, context: context) }
        agents.post("/console/knowledge/delete") { request, context in try await knowledge.delete(request, context: context) }
        let admins = signedIn.group().add(middleware: Self.requiring(.admin))
        admins.get("/console/operations") { request, context in try await operations.overview(request, context: context) }
        admins.get("/console/operations/events") { request, context in try await operations.trail(request, context: context) }
        admins.get("/console/operations/rules/:name") { request, context in try await rules.page(request, context: context) }
        admins.get("/console/operations/dead-letters/:group") { request, context in try await operations.letters(request, context: context) }
        admins.post("/console/operations/dead-letters/:group/redrive") { request, context in
            try await operations.redrive(request, context: context)
        }
        admins.post("/console/knowledge/reindex") { request, context in try await knowledge.reindex(request, context: context) }
        admins.get("/console/users") { request, context in try await users.list(request, context: context) }
        admins.post("/console/users") { request, context in try await users.add(request, context: context) }
        admins.post("/console/users/:name/roles") { request, context in try await users.setRoles(request, context: context) }
        admins.post("/console/users/:name/disable") { request, context in try await users.disable(request, context: context) }
        admins.post("/console/users/:name/reset-password") { request, context in try await users.resetPassword(request, context: context) }
        return routes
    }

    /// A group of routes only users holding `role` reach: anyone else gets 403 and nothing changes.
    static func requiring(_ role: Role) -> AuthorizationPolicyMiddleware<RolePolicy<SignedInUser>, KinexusRequestContext, ConsoleRefusal> {
        AuthorizationPolicyMiddleware(RolePolicy(role), deniedError: ConsoleRefusal(.forbidden, "Only a user with the \(role.rawValue) role may do this."))
    }
}

extension Console {
    /// On the first start of a deployment, an `admin` holding every role: with `KINEXUS_ADMIN_PASSWORD` when
    /// it is set, else a generated password logged this once.
    public func addFirstAdministrator(environment: [String: String], logger: Logger) async throws {
        let given = environment["KINEXUS_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        guard let password = try await accounts.addFirstAdministrator(password: given) else { return }
        let address = settings.publicOrigin ?? "this ingress's address"
        if given == nil {
            // In the message: metadata named like a password is masked, and this one must be read, this once.
            logger.warning("""
                first start: created the console user 'admin' with the password \(password) (logged only now; \
                `kinexus users reset-password admin` makes a new one)
                """, metadata: ["console": "\(address)", "user": "admin"])
        } else {
            logger.notice("first start: created the console user 'admin' with KINEXUS_ADMIN_PASSWORD", metadata: ["console": "\(address)"])
        }
    }
}
