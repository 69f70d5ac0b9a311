import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle

/// One consumer process of `kinexus bench`'s scale curve: a no-op handler on the bench's topic, until SIGTERM.
struct BenchWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-worker", abstract: "A consumer process for kinexus bench.", shouldDisplay: false)

    @Option(help: "The bench's event source.") var source: String
    @Option(help: "The consumer group.") var group: String
    @Option(help: "This consumer's name in the group.") var name: String
    @Option(help: "Events per read.") var batch = 100

    func run() async throws {
        let redis = try CommandEnvironment.redis()
        let consumer = try BusBenchmark(redis: redis, body: "", source: source)
            .consumer(group: group, name: name, batch: batch) { _ in }
        try await consumer.prepare()
        try await redis.send("INCR", BusBenchmark.readyKey(group: group))
        let services = ServiceGroup(configuration: .init(
            services: [.init(service: consumer)], gracefulShutdownSignals: [.sigterm], logger: BusBenchmark.logger))
        try await services.run()
        await redis.shutdown()
    }
}
