// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "kinexus",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kinexus", targets: ["kinexus"]),
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
    ],
    targets: [
        // Fuzzing: what every edge does with outside bytes, and the libFuzzer binary (`deploy/local.sh fuzz`).
        .target(
            name: "FuzzEntryPoints",
            dependencies: ["KinexusJSON", "ChangeIntake", "EventPatterns", "KinexusEvents", "StoryRules", "SupportRules"],
            path: "Fuzz/EntryPoints"
        ),
        .executableTarget(
            name: "kinexus-fuzz",
            dependencies: ["FuzzEntryPoints"],
            path: "Fuzz/Target"
        ),
        .systemLibrary(
            name: "CHiredis",
            path: "Shared/CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .systemLibrary(
            name: "CCmarkGFM",
            path: "Shared/CCmarkGFM",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .target(
            name: "MarkdownRendering",
            dependencies: ["CCmarkGFM"],
            path: "Shared/MarkdownRendering"
        ),
        .target(
            name: "OutboundHTTP",
            dependencies: [
                "KinexusJSON", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/OutboundHTTP"
        ),
        .target(
            name: "Atlassian",
            dependencies: ["KinexusJSON", "KinexusSettings", "OutboundHTTP", "KinexusEvents", "ChangeIntake"],
            path: "Shared/Atlassian"
        ),
        .target(
            name: "LanguageModels",
            dependencies: ["KinexusJSON", "KinexusSettings", "OutboundHTTP", "DocumentWriting", "KinexusEvents"],
            path: "Shared/LanguageModels"
        ),
        .target(
            name: "StoryRules",
            path: "Shared/StoryRules"
        ),
        .target(
            name: "Stories",
            dependencies: [
                "KinexusJSON", "CodegenRules", "StoryRules", "DocumentWriting", "KinexusBus", "KinexusEvents", "KinexusPostgres", "KinexusServiceKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Shared/Stories",
            resources: [.copy("Migrations")]
        ),
        .target(
            name: "KinexusRedis",
            dependencies: [
                "CHiredis",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/KinexusRedis"
        ),
        // Leaves: JSON and settings, which every layer reads and which depend on nothing of Kinexus.
        .target(
            name: "KinexusJSON",
            path: "Shared/KinexusJSON"
        ),
        .target(
            name: "KinexusSettings",
            path: "Shared/KinexusSettings"
        ),
        .target(
            name: "CodegenRules",
            dependencies: ["KinexusEvents", "KinexusSettings"],
            path: "Shared/CodegenRules"
        ),
        .target(
            name: "KinexusEvents",
            dependencies: ["KinexusJSON", .product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/KinexusEvents"
        ),
        .target(
            name: "EventPatterns",
            dependencies: ["KinexusJSON", "KinexusEvents"],
            path: "Shared/EventPatterns"
        ),
        .target(
            name: "ChangeIntake",
            dependencies: ["KinexusJSON", "KinexusEvents"],
            path: "Shared/ChangeIntake"
        ),
        .target(
            name: "DocumentWriting",
            dependencies: ["KinexusEvents"],
            path: "Shared/DocumentWriting"
        ),
        .target(
            name: "DocumentReview",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/DocumentReview"
        ),
        .target(
            name: "KinexusBus",
            dependencies: [
                "KinexusJSON", "KinexusRedis", "KinexusEvents", "EventPatterns",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/KinexusBus"
        ),
        .target(
            name: "KinexusPostgres",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/KinexusPostgres"
        ),
        .target(
            name: "KinexusServiceKit",
            dependencies: [
                "KinexusJSON", "KinexusSettings", "KinexusBus", "KinexusPostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/KinexusServiceKit"
        ),
        .target(
            name: "KinexusCLI",
            dependencies: [
                "KinexusJSON", "KinexusBus", "CustomerContexts", "KnowledgeBase", "KnowledgeIndexing", "KinexusPostgres", "OutboundHTTP",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/KinexusCLI"
        ),
        .target(
            name: "Ingress",
            dependencies: [
                "KinexusJSON", "KinexusSettings", "Atlassian", "ChangeIntake", "DocumentReview", "MarkdownRendering", "Orchestration", "KinexusBus",
                "KinexusServiceKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Shared/Ingress"
        ),
        .executableTarget(
            name: "ingress",
            dependencies: [
                "KinexusSettings", "CodegenRules", "Ingress", "Stories", "KnowledgeAPI", "KnowledgeBase", "SupportAPI", "CustomerContexts",
                "LanguageModels", "KinexusEvents",
                "KinexusServiceKit",
            ],
            path: "Services/ingress"
        ),
        .target(
            name: "Orchestration",
            dependencies: [
                "KinexusJSON", "Atlassian", "DocumentWriting", "MarkdownRendering", "OutboundHTTP", "KinexusBus", "KinexusPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Shared/Orchestration",
            resources: [.copy("Migrations")]
        ),
        .executableTarget(
            name: "orchestrator",
            dependencies: ["Orchestration", "LanguageModels", "KinexusServiceKit"],
            path: "Services/orchestrator"
        ),
        .target(
            name: "Reviewing",
            dependencies: [
                "Atlassian", "DocumentReview", "Orchestration", "KinexusBus", "KinexusPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Shared/Reviewing",
            resources: [.copy("Migrations")]
        ),
        .executableTarget(
            name: "reviewer",
            dependencies: ["Reviewing", "DocumentReview", "Atlassian", "OutboundHTTP", "KinexusServiceKit"],
            path: "Services/reviewer"
        ),
        .target(
            name: "Approval",
            dependencies: [
                "Atlassian", "MarkdownRendering", "Orchestration", "KinexusBus", "KinexusPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Shared/Approval",
            resources: [.copy("Migrations")]
        ),
        .executableTarget(
            name: "approver",
            dependencies: ["Approval", "Atlassian", "OutboundHTTP", "KinexusServiceKit"],
            path: "Services/approver"
        ),
        .target(
            name: "SupportRules",
            dependencies: ["KinexusJSON", "KinexusEvents"],
            path: "Shared/SupportRules"
        ),
        .target(
            name: "KnowledgeIndexing",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/KnowledgeIndexing"
        ),
        .target(
            name: "KnowledgeBase",
            dependencies: [
                "KinexusJSON", "KinexusSettings", "KnowledgeIndexing", "OutboundHTTP", "KinexusBus", "KinexusEvents", "KinexusPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Shared/KnowledgeBase",
            resources: [.copy("Migrations")]
        ),
        .target(
            name: "KnowledgeAPI",
            dependencies: [
                "KnowledgeBase", "KnowledgeIndexing", "KinexusBus", "KinexusEvents", "KinexusPostgres", "KinexusServiceKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Shared/KnowledgeAPI",
            resources: [.copy("Migrations")]
        ),
        .executableTarget(
            name: "kb-sync",
            dependencies: ["KnowledgeBase", "KnowledgeIndexing", "KinexusServiceKit"],
            path: "Services/kb-sync"
        ),
        .target(
            name: "CustomerContexts",
            dependencies: [
                "KinexusJSON", "KinexusSettings", "SupportRules", "KnowledgeBase", "KinexusBus", "KinexusEvents", "KinexusPostgres", "KinexusRedis", .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Shared/CustomerContexts",
            resources: [.copy("Migrations")]
        ),
        .target(
            name: "SupportAPI",
            dependencies: [
                "KinexusJSON", "CustomerContexts", "SupportRules", "KinexusBus", "KinexusEvents", "KinexusServiceKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Shared/SupportAPI"
        ),
        .executableTarget(
            name: "customer-context",
            dependencies: ["CustomerContexts", "KnowledgeBase", "KinexusServiceKit"],
            path: "Services/customer-context"
        ),
        .target(
            name: "GitHub",
            dependencies: ["KinexusJSON", "OutboundHTTP"],
            path: "Shared/GitHub"
        ),
        .target(
            name: "Codegen",
            dependencies: [
                "CodegenRules", "KinexusSettings", "GitHub", "KinexusBus", "KinexusEvents", "KinexusPostgres", .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Shared/Codegen",
            resources: [.copy("Migrations")]
        ),
        .executableTarget(
            name: "codegen",
            dependencies: ["Codegen", "GitHub", "OutboundHTTP", "KinexusServiceKit"],
            path: "Services/codegen"
        ),
        .executableTarget(
            name: "kinexus",
            dependencies: ["KinexusCLI"],
            path: "Services/kinexus"
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
                "KinexusRedis", "KinexusPostgres", "KinexusBus",
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
                "KinexusJSON", "KinexusServiceKit", "KinexusRedis", "KinexusEvents",
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
            dependencies: ["KinexusJSON", "ChangeIntake", "KinexusEvents"],
            path: "Tests/ChangeIntakeTests"
        ),
        .testTarget(
            name: "IngressTests",
            dependencies: [
                "KinexusJSON", "Ingress", "KinexusTestSupport", "KinexusBus", "Reviewing", "Approval", "Orchestration", "DocumentReview",
                "Atlassian", "FakeServices", "OutboundHTTP", "KinexusServiceKit",
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
            dependencies: [
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
            dependencies: ["Approval"],
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
            dependencies: [
                "KinexusJSON", "CodegenRules", "Stories", "Codegen", "DocumentWriting", "KinexusBus", "KinexusRedis", "KinexusTestSupport", "KinexusEvents", "KinexusPostgres",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/StoriesTests"
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
                "KinexusJSON", "KinexusTestSupport", "KinexusBus", "KinexusEvents", "KinexusPostgres", "KinexusRedis", "ingress", "orchestrator", "reviewer",
                "approver", "codegen",
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
            dependencies: [
                "KinexusJSON", "KinexusSettings", "KnowledgeIndexing", "KnowledgeBase", "KnowledgeAPI", "CustomerContexts", "SupportAPI", "SupportRules", "Orchestration",
                "Approval", "Reviewing", "DocumentReview", "DocumentWriting", "FakeServices", "OutboundHTTP",
                "KinexusBus", "KinexusEvents",
                "KinexusPostgres", "KinexusRedis", "KinexusTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/KnowledgeTests"
        ),
        .testTarget(
            name: "DeploymentTests",
            path: "Tests/DeploymentTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
