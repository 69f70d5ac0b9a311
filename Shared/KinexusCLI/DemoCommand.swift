import ArgumentParser
import CustomerContexts
import Foundation
import KinexusPostgres
import Logging
import OutboundHTTP
import PostgresNIO

/// `kinexus demo`: the demo dataset for a local run — customers across tiers with orders and interactions
/// (into customer-context's tables and Redis), and the knowledge documents (through the ingress's bucket,
/// so kb-sync indexes them as it would any upload).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Load the demo customers, orders, interactions and knowledge documents.",
        discussion: "Uses KINEXUS_POSTGRES_URL and KINEXUS_REDIS_URL; loading again restores the same data.")

    @Option(help: "The ingress, for the knowledge documents.") var ingress = "http://localhost:8080"
    @Option(help: "The API token (default: KINEXUS_API_TOKEN).") var token: String?
    @Option(help: "A folder of markdown documents.") var knowledge = "deploy/demo/knowledge"

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let token = token ?? environment["KINEXUS_API_TOKEN"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw ValidationError("the ingress's API token is needed to upload the knowledge documents: --token or KINEXUS_API_TOKEN")
        }
        let logger = Logger(label: "kinexus.demo")
        let redis = try CommandEnvironment.redis()
        let postgres = try CommandEnvironment.postgres(logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            try await MigrationRunner(client: postgres, logger: logger)
                .run(try CustomerContextService.migrations())
            try await CustomerContextService(postgres: postgres, redis: redis, environment: environment, logger: logger).loadDemoData()
            emit("loaded \(DemoCustomers.all.count) customers with their orders and interactions")
            tasks.cancelAll()
        }
        await redis.shutdown()
        try await uploadKnowledge(token: token, logger: logger)
    }

    private func uploadKnowledge(token: String, logger: Logger) async throws {
        let folder = URL(fileURLWithPath: knowledge)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }.sorted()
        let http = RetryingHTTPClient(service: "ingress", logger: logger)
        for file in files {
            let content = try Data(contentsOf: folder.appendingPathComponent(file))
            let request = OutboundRequest(
                method: "PUT", url: "\(ingress)/kb/objects/demo/\(file)",
                headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "text/markdown")], body: Array(content))
            let response = try await http.send(request)
            guard response.isSuccess else { throw UnexpectedStatus(service: "ingress", request: request, response: response) }
        }
        emit("uploaded \(files.count) knowledge documents to \(ingress)/kb/objects/demo/")
    }
}
