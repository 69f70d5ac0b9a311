// swift-tools-version:6.1
import PackageDescription

/// The tables each module writes. DESIGN's rule — every table has one writer, anyone may read it — is held
/// here: `ArchitectureTests` fails when any other module's sources INSERT into, UPDATE or DELETE from one.
let tablesWrittenBy: [String: [String]] = [
    "KinexusPostgres": ["public.schema_migrations"],
    "Accounts": ["accounts.users"],
    "Stories": ["stories.stories", "stories.acceptance_tests", "stories.task_requests"],
    "KnowledgeAPI": ["bucket.objects", "bucket.sync_requests"],
    "Orchestration": ["docs.changes", "docs.documents", "docs.document_versions"],
    "Reviewing": ["docs.reviews"],
    "Approval": ["docs.decisions", "docs.pages", "docs.publications"],
    "KnowledgeBase": ["kb.sources", "kb.chunks", "kb.state", "kb.identity", "kb.sync_jobs", "kb.sync_runs"],
    "CustomerContexts": [
        "support.customers", "support.orders", "support.tickets", "support.feedback", "support.knowledge_gaps", "support.gap_tickets",
    ],
    "EventRules": ["rules.connections", "rules.api_destinations", "rules.rules", "rules.targets", "rules.revision"],
    "EventRouting": ["routing.deliveries"],
    "Codegen": ["codegen.tasks", "codegen.sessions", "codegen.pull_requests", "codegen.feedback", "codegen.iterations"],
]

/// Every service has the same shape under `Services/<service>/`, one folder per module:
/// - its **rules**: pure functions and values, tested directly;
/// - its **service** module: the event handlers and the store that writes its tables (the writes internal),
///   with its `Migrations` and the composition its command, the CLI and the tests call;
/// - its **queries**: read-only access to its tables for any other module;
/// - its **API**: the routes that show or change its state, mounted by the ingress;
/// - its main: the command that composes and runs it, `kinexus <service>`. One executable runs every service
///   (each still its own process and container), so an image holds the shared code once.
func rules(_ service: String, _ name: String, _ dependencies: [Target.Dependency] = []) -> Target {
    .target(name: name, dependencies: dependencies, path: "Services/\(service)/\(name)")
}

func service(_ service: String, _ name: String, _ dependencies: [Target.Dependency]) -> Target {
    precondition(tablesWrittenBy[name] != nil, "\(name): say which tables it writes in tablesWrittenBy")
    return .target(name: name, dependencies: dependencies, path: "Services/\(service)/\(name)", resources: [.copy("Migrations")])
}

func queries(_ service: String, _ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .target(name: name, dependencies: dependencies, path: "Services/\(service)/\(name)")
}

func api(_ service: String, _ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .target(name: name, dependencies: dependencies + ["KinexusServiceKit", hummingbird], path: "Services/\(service)/\(name)")
}

func command(_ service: String, _ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .target(name: name, dependencies: dependencies + ["KinexusServiceKit", argumentParser], path: "Services/\(service)/\(service)")
}

let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let postgresNIO = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let hummingbirdAuth = Target.Dependency.product(name: "HummingbirdAuth", package: "hummingbird-auth")
let tracing = Target.Dependency.product(name: "Tracing", package: "swift-distributed-tracing")

let package = Package(
    name: "kinexus",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kinexus", targets: ["kinexus"]),
        .library(name: "FuzzEntryPoints", targets: ["FuzzEntryPoints"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        // ── The platform every service stands on (Shared/), lowest first: JSON and settings depend on nothing of
        // Kinexus; nothing below the service kit imports Hummingbird.
        .target(name: "KinexusJSON", path: "Shared/KinexusJSON"),
        .target(name: "KinexusSettings", path: "Shared/KinexusSettings"),
        .target(name: "KinexusEvents", dependencies: ["KinexusJSON", crypto], path: "Shared/KinexusEvents"),
        .target(name: "EventPatterns", dependencies: ["KinexusJSON", "KinexusEvents"], path: "Shared/EventPatterns"),
        .systemLibrary(name: "CHiredis", path: "Shared/CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .target(
            name: "KinexusRedis",
            dependencies: ["CHiredis", .product(name: "NIOPosix", package: "swift-nio"), logging, tracing],
            path: "Shared/KinexusRedis"
        ),
        .target(name: "KinexusPostgres", dependencies: [postgresNIO, logging, tracing], path: "Shared/KinexusPostgres"),
        .target(
            name: "KinexusBus",
            dependencies: [
                "KinexusRedis", "KinexusEvents", "KinexusJSON", "EventPatterns", logging, tracing,
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/KinexusBus"
        ),
        .target(
            name: "KinexusServiceKit",
            dependencies: [
                "KinexusBus", "KinexusPostgres", "KinexusJSON", "KinexusSettings", hummingbird, hummingbirdAuth,
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "OTel", package: "swift-otel"),
                tracing,
            ],
            path: "Shared/KinexusServiceKit"
        ),
        .target(
            name: "OutboundHTTP",
            dependencies: ["KinexusJSON", .product(name: "AsyncHTTPClient", package: "async-http-client"), logging],
            path: "Shared/OutboundHTTP"
        ),
        .target(name: "Atlassian", dependencies: ["KinexusJSON", "KinexusSettings", "OutboundHTTP", "ChangeIntake"], path: "Shared/Atlassian"),
        .target(name: "GitHub", dependencies: ["KinexusJSON", "OutboundHTTP"], path: "Shared/GitHub"),
        .target(
            name: "LanguageModels",
            dependencies: ["KinexusJSON", "KinexusSettings", "OutboundHTTP", "DocumentWriting", "KinexusEvents", tracing],
            path: "Shared/LanguageModels"
        ),
        .systemLibrary(
            name: "CCmarkGFM",
            path: "Shared/CCmarkGFM",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .target(name: "MarkdownRendering", dependencies: ["CCmarkGFM"], path: "Shared/MarkdownRendering"),

        // ── ingress: webhooks in, the HTTP APIs of every service mounted, and the console; owns stories, the knowledge
        // bucket and the console's accounts.
        rules("ingress", "ChangeIntake", ["KinexusJSON", "KinexusEvents"]),
        rules("ingress", "StoryRules"),
        rules("ingress", "EventBridgeRules", ["KinexusEvents", "KinexusJSON", "KinexusSettings", crypto]),
        service("ingress", "EventRules", ["EventBridgeRules", "RuleQueries", "KinexusJSON", "KinexusPostgres", postgresNIO, logging]),
        queries("ingress", "RuleQueries", ["EventBridgeRules", "KinexusJSON", "KinexusPostgres", postgresNIO, logging]),
        api("ingress", "EventBridgeAPI", [
            "EventBridgeRules", "EventRules", "RuleQueries", "EventPatterns", "KinexusBus", "KinexusEvents", "KinexusJSON", "KinexusRedis", postgresNIO,
        ]),
        .target(
            name: "Ingress",
            dependencies: [
                "Atlassian", "ChangeIntake", "TaskQueries", "KinexusBus", "KinexusEvents", "KinexusJSON", "KinexusSettings", "KinexusServiceKit",
                hummingbird, crypto, postgresNIO,
            ],
            path: "Services/ingress/Ingress"
        ),
        service("ingress", "Stories", [
            "StoryRules", "CodegenRules", "TaskQueries", "DocumentWriting", "LanguageModels", "KinexusBus", "KinexusEvents",
            "KinexusJSON", "KinexusPostgres", "KinexusSettings", "KinexusServiceKit", hummingbird, postgresNIO,
        ]),
        service("ingress", "KnowledgeAPI", [
            "KnowledgeQueries", "KnowledgeIndexing", "KinexusBus", "KinexusEvents", "KinexusPostgres", "KinexusServiceKit",
            hummingbird, postgresNIO,
        ]),
        service("ingress", "Accounts", [
            "KinexusPostgres", "KinexusRedis", "KinexusServiceKit", postgresNIO, logging,
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .target(
            name: "Console",
            dependencies: [
                "Accounts", "DeliveryQueries", "RuleQueries", "EventBridgeRules", "DocumentQueries", "DocumentReview", "KnowledgeAPI", "PageQueries", "ReviewAPI", "ReviewQueries", "Stories", "TaskQueries",
                "StoryRules", "SupportAPI", "SupportQueries", "MarkdownRendering", "KinexusBus", "KinexusEvents",
                "KinexusPostgres", "KinexusRedis", "KinexusSettings", "KinexusServiceKit", hummingbird, hummingbirdAuth, postgresNIO,
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Services/ingress/Console",
            resources: [.copy("Templates"), .copy("Assets")]
        ),
        command("ingress", "IngressMain", [
            "EventBridgeAPI", "EventBridgeRules", "EventRules", "TaskQueries", "Accounts", "Console", "Ingress", "Stories", "KnowledgeAPI", "DocumentsAPI", "ReviewAPI", "PagesAPI", "SupportAPI", "DocumentQueries",
            "KnowledgeQueries", "SupportQueries", "Atlassian", "DocumentReview", "KinexusRedis", "OutboundHTTP",
        ]),

        // ── orchestrator: ChangeDetected and RevisionRequested → a document version → DocumentGenerated.
        rules("orchestrator", "DocumentWriting", ["KinexusEvents"]),
        service("orchestrator", "Orchestration", [
            "Atlassian", "DocumentWriting", "DocumentQueries", "LanguageModels", "MarkdownRendering", "OutboundHTTP", "KinexusBus",
            "KinexusJSON", "KinexusPostgres", postgresNIO,
        ]),
        queries("orchestrator", "DocumentQueries", ["KinexusPostgres", postgresNIO, logging]),
        api("orchestrator", "DocumentsAPI", ["DocumentQueries", "KinexusPostgres", postgresNIO]),
        command("orchestrator", "OrchestratorMain", ["Orchestration"]),

        // ── reviewer: DocumentGenerated → a review with its diff page (and a Jira ticket) → ReviewRequested.
        rules("reviewer", "DocumentReview", ["MarkdownRendering", crypto]),
        service("reviewer", "Reviewing", [
            "Atlassian", "DocumentReview", "DocumentQueries", "KinexusBus", "KinexusPostgres", "KinexusRedis", "OutboundHTTP", postgresNIO,
        ]),
        queries("reviewer", "ReviewQueries", ["KinexusBus", "KinexusPostgres", postgresNIO, logging]),
        api("reviewer", "ReviewAPI", ["DocumentReview", "ReviewQueries", "KinexusBus", "KinexusEvents", "KinexusPostgres", postgresNIO]),
        command("reviewer", "ReviewerMain", ["Reviewing"]),

        // ── approver: ReviewDecisionSubmitted → a publication (Confluence or the page store), or a revision.
        rules("approver", "ApprovalRules"),
        service("approver", "Approval", [
            "ApprovalRules", "Atlassian", "MarkdownRendering", "DocumentQueries", "KinexusBus", "KinexusPostgres", "KinexusSettings",
            "OutboundHTTP", postgresNIO,
        ]),
        queries("approver", "PageQueries", ["KinexusPostgres", postgresNIO, logging]),
        api("approver", "PagesAPI", ["MarkdownRendering", "PageQueries", "KinexusPostgres", postgresNIO]),
        command("approver", "ApproverMain", ["Approval"]),

        // ── kb-sync: published pages and bucket objects → chunks and embeddings; the retriever reads them.
        rules("kb-sync", "KnowledgeIndexing", [crypto, "CVectorScan"]),
        .target(
            name: "CVectorScan",
            path: "Services/kb-sync/CVectorScan",
            // Even a debug build's services scan a million vectors: unoptimised, the loop is ten times slower.
            cSettings: [.unsafeFlags(["-O2"])]
        ),
        service("kb-sync", "KnowledgeBase", [
            "KnowledgeIndexing", "KnowledgeQueries", "OutboundHTTP", "KinexusBus", "KinexusEvents", "KinexusJSON", "KinexusPostgres",
            "KinexusSettings", postgresNIO,
        ]),
        queries("kb-sync", "KnowledgeQueries", [
            "KnowledgeIndexing", "OutboundHTTP", "KinexusJSON", "KinexusPostgres", "KinexusSettings", postgresNIO, logging,
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        command("kb-sync", "KnowledgeSyncMain", ["KnowledgeBase"]),

        // ── customer-context: TicketReceived → the customer's context and knowledge hits → TicketContextReady.
        rules("customer-context", "SupportRules", ["KinexusEvents", "KinexusJSON"]),
        service("customer-context", "CustomerContexts", [
            "SupportRules", "SupportQueries", "KnowledgeQueries", "KnowledgeIndexing", "KinexusBus", "KinexusEvents", "KinexusJSON", "KinexusPostgres",
            "KinexusRedis", "KinexusSettings", postgresNIO, .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        queries("customer-context", "SupportQueries", [
            "SupportRules", "KnowledgeQueries", "KinexusJSON", "KinexusRedis", "KinexusPostgres", "KinexusSettings", postgresNIO, logging,
        ]),
        api("customer-context", "SupportAPI", [
            "SupportQueries", "SupportRules", "KinexusBus", "KinexusEvents", "KinexusJSON",
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        command("customer-context", "CustomerContextMain", ["CustomerContexts"]),

        // ── codegen: CodegenRequested → a coding agent in a workspace → a branch and a pull request.
        rules("codegen", "CodegenRules", ["KinexusEvents", "KinexusSettings"]),
        service("codegen", "Codegen", [
            "CodegenRules", "GitHub", "KinexusBus", "KinexusEvents", "KinexusPostgres", "KinexusSettings", "OutboundHTTP",
            .product(name: "NIOPosix", package: "swift-nio"), postgresNIO, tracing,
        ]),
        queries("codegen", "TaskQueries", ["KinexusBus", "KinexusEvents", "KinexusJSON", "KinexusPostgres", postgresNIO, logging]),
        command("codegen", "CodegenMain", ["Codegen"]),

        // ── event-router: users' rules (made through the AWS endpoint) → their API destinations, over HTTP.
        rules("event-router", "RoutingRules", ["EventBridgeRules", "KinexusEvents", "KinexusJSON"]),
        service("event-router", "EventRouting", [
            "RoutingRules", "EventBridgeRules", "RuleQueries", "EventPatterns", "KinexusBus", "KinexusEvents", "KinexusPostgres", "KinexusRedis",
            "OutboundHTTP", postgresNIO, logging, .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        queries("event-router", "DeliveryQueries", ["KinexusPostgres", postgresNIO, logging]),
        command("event-router", "EventRouterMain", ["EventRouting"]),

        // ── The `kinexus` command: every service, and streams, dead letters, replay, the demo loader, benchmarks.
        .target(
            name: "KinexusCLI",
            dependencies: [
                "Accounts", "EventBridgeRules", "KinexusServiceKit", "KinexusBus", "CustomerContexts", "DocumentReview", "KnowledgeBase", "KnowledgeQueries", "KnowledgeIndexing", "KinexusJSON",
                "KinexusPostgres", "OutboundHTTP", postgresNIO, argumentParser,
                "IngressMain", "OrchestratorMain", "ReviewerMain", "ApproverMain", "CodegenMain", "KnowledgeSyncMain", "CustomerContextMain",
                "EventRouterMain",
                .product(name: "NIOPosix", package: "swift-nio"), tracing,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/KinexusCLI"
        ),
        .executableTarget(name: "kinexus", dependencies: ["KinexusCLI"], path: "Services/kinexus"),

        // Fuzzing: what every edge does with outside bytes. The libFuzzer binary is a package of its own
        // (`Fuzz/Package.swift`, `deploy/local.sh fuzz`): a tool, not a service the image or compose runs.
        .target(
            name: "FuzzEntryPoints",
            dependencies: [
                "KinexusJSON", "ChangeIntake", "EventPatterns", "KinexusEvents", "StoryRules", "SupportRules", "EventBridgeRules", "RoutingRules",
            ],
            path: "Fuzz/EntryPoints"
        ),

        // A process for tests that need more than one: consumers killed mid-handler, migrations racing.
        .executableTarget(
            name: "TestProcess",
            dependencies: ["KinexusServiceKit"],
            path: "Tests/TestProcess"
        ),
        .target(
            name: "KinexusTestSupport",
            dependencies: [
                "KinexusJSON", "KinexusRedis", "KinexusPostgres", "KinexusBus", logging,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/KinexusTestSupport"
        ),
        .target(
            name: "FakeServices",
            dependencies: [
                "KinexusJSON", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/FakeServices"
        ),
        .testTarget(
            name: "KinexusRedisTests",
            dependencies: ["KinexusRedis", "KinexusTestSupport"],
            path: "Tests/KinexusRedisTests"
        ),
        .testTarget(
            name: "FuzzRegressionTests",
            dependencies: ["FuzzEntryPoints"],
            path: "Tests/FuzzRegressionTests"
        ),
        .testTarget(
            name: "KinexusServiceKitTests",
            dependencies: [
                "KinexusJSON", "KinexusServiceKit", "KinexusRedis", "KinexusEvents", "KinexusTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/KinexusServiceKitTests"
        ),
        .testTarget(
            name: "KinexusJSONTests",
            dependencies: ["KinexusJSON"],
            path: "Tests/KinexusJSONTests"
        ),
        .testTarget(
            name: "KinexusEventsTests",
            dependencies: ["KinexusJSON", "KinexusEvents", "EventPatterns"],
            path: "Tests/KinexusEventsTests"
        ),
        .testTarget(
            name: "KinexusBusTests",
            dependencies: [
                "KinexusJSON", "KinexusBus", "KinexusServiceKit", "KinexusCLI", "KinexusTestSupport", "kinexus", "TestProcess",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/KinexusBusTests"
        ),
        .testTarget(
            name: "KinexusPostgresTests",
            dependencies: ["KinexusPostgres", "KinexusTestSupport", "TestProcess"],
            path: "Tests/KinexusPostgresTests"
        ),
        .testTarget(
            name: "ChangeIntakeTests",
            dependencies: ["KinexusJSON", "ChangeIntake", "KinexusEvents", "KinexusTestSupport"],
            path: "Tests/ChangeIntakeTests"
        ),
        .testTarget(
            name: "IngressTests",
            dependencies: ["ReviewAPI", "PagesAPI", "DocumentsAPI", "DocumentQueries", 
                "KinexusJSON", "Ingress", "KinexusTestSupport", "KinexusBus", "Reviewing", "Approval", "Orchestration", "DocumentReview",
                "Atlassian", "FakeServices", "OutboundHTTP", "KinexusServiceKit", "TaskQueries", "KinexusPostgres", "Codegen",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/IngressTests"
        ),
        .testTarget(
            name: "DocumentWritingTests",
            dependencies: ["DocumentWriting", "KinexusEvents"],
            path: "Tests/DocumentWritingTests"
        ),
        .testTarget(
            name: "OrchestrationTests",
            dependencies: ["DocumentQueries", "ApprovalRules", 
                "Orchestration", "DocumentWriting", "Reviewing", "DocumentReview", "Approval", "KinexusBus",
                "KinexusTestSupport", "Atlassian", "FakeServices", "OutboundHTTP",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/OrchestrationTests"
        ),
        .testTarget(
            name: "DocumentReviewTests",
            dependencies: ["DocumentReview"],
            path: "Tests/DocumentReviewTests"
        ),
        .testTarget(
            name: "ApprovalTests",
            dependencies: ["ApprovalRules", "Approval"],
            path: "Tests/ApprovalTests"
        ),
        .testTarget(
            name: "AtlassianTests",
            dependencies: [
                "KinexusJSON", "KinexusSettings", "Atlassian", "FakeServices", "KinexusEvents", "OutboundHTTP", "MarkdownRendering",
            ],
            path: "Tests/AtlassianTests"
        ),
        .testTarget(
            name: "LanguageModelsTests",
            dependencies: [
                "KinexusJSON", "KinexusSettings", "LanguageModels", "DocumentWriting", "FakeServices", "KinexusEvents", "OutboundHTTP",
            ],
            path: "Tests/LanguageModelsTests"
        ),
        .testTarget(
            name: "StoriesTests",
            dependencies: ["KinexusServiceKit", 
                "KinexusJSON", "CodegenRules", "Stories", "Codegen", "DocumentWriting", "KinexusBus", "KinexusRedis", "KinexusTestSupport", "KinexusEvents", "KinexusPostgres",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/StoriesTests"
        ),
        .testTarget(
            name: "EventBridgeTests",
            dependencies: [
                "EventBridgeRules", "EventBridgeAPI", "EventRules", "RuleQueries", "EventPatterns", "KinexusBus", "KinexusEvents", "KinexusJSON",
                "KinexusPostgres", "KinexusServiceKit", "KinexusTestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/EventBridgeTests"
        ),
        .testTarget(
            name: "EventRoutingTests",
            dependencies: [
                "EventRouting", "EventRules", "EventBridgeRules", "RoutingRules", "FakeServices", "KinexusBus", "KinexusEvents", "KinexusJSON",
                "KinexusPostgres", "KinexusRedis", "KinexusTestSupport", .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/EventRoutingTests"
        ),
        .testTarget(
            name: "StoryRulesTests",
            dependencies: ["StoryRules"],
            path: "Tests/StoryRulesTests"
        ),
        .testTarget(
            name: "MarkdownRenderingTests",
            dependencies: ["MarkdownRendering"],
            path: "Tests/MarkdownRenderingTests"
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "KinexusJSON", "KinexusTestSupport", "KinexusBus", "KinexusEvents", "KinexusPostgres", "KinexusRedis", "kinexus",
                "FakeServices", "TestProcess", "Codegen",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/EndToEndTests"
        ),
        .testTarget(
            name: "CodegenTests",
            dependencies: [
                "CodegenRules", "Codegen", "GitHub", "OutboundHTTP", "FakeServices", "KinexusBus", "KinexusEvents", "KinexusPostgres",
                "KinexusRedis", "KinexusTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/CodegenTests"
        ),
        .testTarget(
            name: "SupportRulesTests",
            dependencies: ["KinexusJSON", "SupportRules", "KinexusEvents"],
            path: "Tests/SupportRulesTests"
        ),
        .testTarget(
            name: "KnowledgeTests",
            dependencies: ["KnowledgeQueries", "SupportQueries", "DocumentQueries", "KinexusServiceKit", 
                "KinexusJSON", "KinexusSettings", "KnowledgeIndexing", "KnowledgeBase", "KnowledgeAPI", "CustomerContexts", "SupportAPI", "SupportRules", "Orchestration",
                "Approval", "Reviewing", "DocumentReview", "DocumentWriting", "FakeServices", "OutboundHTTP",
                "KinexusBus", "KinexusEvents",
                "KinexusPostgres", "KinexusRedis", "KinexusTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            path: "Tests/KnowledgeTests"
        ),
        .testTarget(
            name: "ConsoleTests",
            dependencies: [
                "Accounts", "Console", "ReviewAPI", "Stories", "StoryRules", "SupportAPI", "SupportQueries", "CustomerContexts",
                "KnowledgeQueries", "KnowledgeAPI", "DocumentReview", "Orchestration", "Reviewing", "Approval", "KinexusBus", "KinexusEvents",
                "KinexusPostgres", "KinexusRedis", "KinexusServiceKit", "KinexusTestSupport", "Codegen", "EventRules", "EventRouting", "EventBridgeRules",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/ConsoleTests"
        ),
        .testTarget(
            name: "ArchitectureTests",
            path: "Tests/ArchitectureTests"
        ),
        .testTarget(
            name: "DeploymentTests",
            dependencies: [
                "KinexusCLI", "KinexusBus", "KinexusJSON", "KinexusPostgres", "KinexusRedis", "KinexusTestSupport", "Orchestration",
                "Reviewing", "Approval", "KnowledgeBase", "CustomerContexts", "Codegen",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/DeploymentTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
