import Approval
import Codegen
import CustomerContexts
import Foundation
import KinexusBus
import KinexusCLI
import KinexusJSON
import KinexusPostgres
import KinexusRedis
import KinexusTestSupport
import KnowledgeBase
import Logging
import Orchestration
import PostgresNIO
import Reviewing
import Testing

/// The chart in `deploy/helm/kinexus`, as `helm template` renders it (`deploy/local.sh test` leaves the JSON in
/// KINEXUS_HELM_RENDERED): a Deployment for every service, and a KEDA ScaledObject for every consuming one
/// that reads exactly the streams its subscriptions name, in the fields KEDA's redis-streams scaler documents.
struct HelmChartTests {
    /// KEDA's redis-streams metadata (keda.sh/docs/2.16/scalers/redis-streams).
    static let redisStreamsMetadata: Set<String> = [
        "address", "addressFromEnv", "host", "hostFromEnv", "port", "portFromEnv", "username", "usernameFromEnv", "password",
        "passwordFromEnv", "databaseIndex", "enableTLS", "unsafeSsl", "stream", "consumerGroup", "pendingEntriesCount",
        "streamLength", "lagCount", "activationLagCount",
    ]
    /// KEDA's postgresql metadata (keda.sh/docs/2.16/scalers/postgresql).
    static let postgresqlMetadata: Set<String> = [
        "connectionFromEnv", "host", "port", "userName", "passwordFromEnv", "dbName", "sslmode", "query", "targetQueryValue",
        "activationTargetQueryValue",
    ]

    static func rendered(_ values: String) throws -> [JSONValue] {
        guard let directory = ProcessInfo.processInfo.environment["KINEXUS_HELM_RENDERED"] else {
            throw ChartNotRendered()
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent("\(values).json"))
        return try JSONValue(parsing: data).arrayValue ?? []
    }

    static func resources(_ kind: String, in manifests: [JSONValue]) -> [String: JSONValue] {
        var found: [String: JSONValue] = [:]
        for manifest in manifests where manifest["kind"]?.stringValue == kind {
            if let component = manifest["metadata"]?["labels"]?["app.kubernetes.io/component"]?.stringValue {
                found[component] = manifest
            }
        }
        return found
    }

    /// Each consuming service's streams, from its subscriptions as its command composes them.
    static func subscribedStreams() throws -> [String: Set<String>] {
        let logger = Logger(label: "test")
        let redis = try TestEnvironment.redisClient()
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        let subscriptions: [String: [Subscription]] = [
            "orchestrator": try Orchestrator.composed(postgres: postgres, environment: [:], logger: logger).subscriptions(),
            "reviewer": try Reviewer.composed(postgres: postgres, redis: redis, environment: [:], logger: logger).subscriptions(),
            "approver": try Approver.composed(postgres: postgres, environment: [:], logger: logger).subscriptions(),
            "kb-sync": try KnowledgeSync.composed(postgres: postgres, consumer: "c", environment: [:], logger: logger).subscriptions(),
            "customer-context": try CustomerContextService(postgres: postgres, redis: redis, environment: [:], logger: logger)
                .subscriptions(),
            "codegen": try CodegenWorker.composed(postgres: postgres, settings: try CodegenSettings(environment: [:]), consumer: "c",
                                                  maxAttempts: 5, logger: logger).subscriptions(),
        ]
        return subscriptions.mapValues { Set($0.flatMap { $0.topics.map(\.streamKey) }) }
    }

    @Test(arguments: ["default", "all-options"])
    func everyServiceHasADeploymentRunningIt(values: String) throws {
        let deployments = Self.resources("Deployment", in: try Self.rendered(values))
        let services = KinexusCommand.services.compactMap { $0.configuration.commandName }
        #expect(Set(deployments.keys) == Set(services))
        for service in services {
            let container = deployments[service]?["spec"]?["template"]?["spec"]?["containers"]?[0]
            #expect(container?["args"] == [.string(service)], "\(service) runs `kinexus \(service)`")
            #expect(container?["livenessProbe"]?["httpGet"]?["path"] == "/health")
            #expect(container?["readinessProbe"]?["httpGet"]?["path"] == "/ready")
            #expect(container?["securityContext"]?["readOnlyRootFilesystem"] == .bool(service != "codegen"))
        }
        #expect(Set(Self.resources("PodDisruptionBudget", in: try Self.rendered(values)).keys) == Set(services))
    }

    @Test(arguments: ["default", "all-options"])
    func everyConsumingServiceScalesOnTheStreamsItReads(values: String) throws {
        let scaledObjects = Self.resources("ScaledObject", in: try Self.rendered(values))
        let subscribed = try Self.subscribedStreams()
        #expect(Set(scaledObjects.keys) == Set(subscribed.keys))
        for (service, streams) in subscribed where service != "codegen" {
            let triggers = scaledObjects[service]?["spec"]?["triggers"]?.arrayValue ?? []
            #expect(triggers.allSatisfy { $0["type"] == "redis-streams" })
            #expect(Set(triggers.compactMap { $0["metadata"]?["stream"]?.stringValue }) == streams, "\(service)")
            for metadata in triggers.compactMap({ $0["metadata"]?.objectValue }) {
                #expect(Set(metadata.keys).isSubset(of: Self.redisStreamsMetadata), "\(service): \(metadata.keys.sorted())")
                #expect(metadata["consumerGroup"] == .string(service))
                #expect(metadata["lagCount"]?.stringValue.flatMap { Int($0) } != nil, "lag mode, a count as KEDA's string")
                #expect(metadata["activationLagCount"]?.stringValue.flatMap { Int($0) } != nil)
                #expect(metadata["address"]?.stringValue?.contains(":") == true)
            }
        }
    }

    @Test func codegenScalesOnItsPendingTasks() throws {
        let codegen = Self.resources("ScaledObject", in: try Self.rendered("default"))["codegen"]
        let trigger = codegen?["spec"]?["triggers"]?[0]
        #expect(trigger?["type"] == "postgresql")
        let metadata = trigger?["metadata"]?.objectValue ?? [:]
        #expect(Set(metadata.keys).isSubset(of: Self.postgresqlMetadata))
        #expect(metadata["connectionFromEnv"] == "KINEXUS_POSTGRES_URL")
        #expect(metadata["query"]?.stringValue?.contains("codegen.tasks") == true)
        #expect(metadata["query"]?.stringValue?.contains("codegen.iterations") == true, "iterations are agents' work too")
    }

    @Test func theIngressScalesOnCPUAndATLSIngressIsOptional() throws {
        let defaults = try Self.rendered("default"), everything = try Self.rendered("all-options")
        let autoscaler = Self.resources("HorizontalPodAutoscaler", in: defaults)["ingress"]
        #expect(autoscaler?["spec"]?["metrics"]?[0]?["resource"]?["name"] == "cpu")
        #expect(Self.resources("Ingress", in: defaults).isEmpty)
        #expect(Self.resources("Ingress", in: everything)["ingress"]?["spec"]?["tls"]?[0]?["secretName"] == "kinexus-tls")
        #expect(Self.resources("TriggerAuthentication", in: everything)["redis"] != nil, "a Redis password reaches KEDA")
    }
}

struct ChartNotRendered: Error, CustomStringConvertible {
    var description: String { "KINEXUS_HELM_RENDERED is not set: run the tests with deploy/local.sh test, which renders the chart" }
}

extension JSONValue {
    fileprivate subscript(index: Int) -> JSONValue? {
        guard let items = arrayValue, items.indices.contains(index) else { return nil }
        return items[index]
    }

    fileprivate var objectValue: [String: JSONValue]? {
        if case .object(let fields) = self { return fields }
        return nil
    }
}
