import ArgumentParser
import Foundation
import KinexusBus
import KinexusRedis
import KinexusServiceKit
import Logging
import NIOPosix
import ServiceLifecycle

/// Measures the bus on the configured Redis, each figure beside redis-benchmark's XADD on the same
/// server with the same payload, pipeline depth and client count, measured in the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmark publishing, consuming and latency against redis-benchmark on the same Redis.")

    @Option(help: "Events per throughput run.") var events = 100_000
    @Option(help: "Bytes of detail per event.") var detailBytes = 1024
    @Option(help: "Events per pipelined publish batch, and per consumer read.") var batch = 100
    @Option(help: "Seconds per latency run.") var latencySeconds = 5
    @Option(help: "Events through two groups for Redis's memory.") var memoryEvents = 1_000_000

    func run() async throws {
        // With OTEL_* set, the bus is measured exporting its spans (BENCHMARKS.md, "Tracing").
        guard let exporter = try TraceExport.bootstrap(service: "kinexus-bench", environment: ProcessInfo.processInfo.environment) else {
            return try await measure()
        }
        let group = ServiceGroup(services: [exporter], logger: Logger(label: "kinexus.bench"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await measure()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    private func measure() async throws {
        let redis = try CommandEnvironment.redis()
        let bench = BusBenchmark(redis: redis, body: String(repeating: "b", count: detailBytes))
        let baseline = RedisBenchmark(configuration: redis.configuration)
        let payload = try bench.envelopeSize()
        emit("# kinexus bench: \(events) events, \(detailBytes)-byte details (\(payload)-byte envelopes), batches of \(batch)")

        let publishRate = try await bench.publishThroughput(events: events, batch: batch)
        let xadd1 = try await redisBenchmark(baseline, requests: events, payload: payload, pipeline: batch, clients: 1)
        report("publish, 1 publisher, pipeline \(batch)", publishRate, xadd1, "XADD -c 1 -P \(batch)")

        for consumers in [1, 4] {
            let consumed = try await bench.consumeThroughput(events: events, consumers: consumers, batch: batch)
            let xadd = try await redisBenchmark(baseline, requests: events, payload: payload, pipeline: batch, clients: consumers)
            report("consume+ack, \(consumers) consumer(s), batch \(batch)", consumed.eventsPerSecond, xadd, "XADD -c \(consumers) -P \(batch)")
            emit(String(format: "consume+ack, %d consumer(s): %.1f µs of CPU per event", consumers, consumed.cpuMicrosecondsPerEvent))
        }

        let scaleBaseline = try await redisBenchmark(baseline, requests: events, payload: payload, pipeline: batch, clients: 1)
        for processes in [1, 2, 4] {
            let consumed = try await bench.consumeThroughput(events: events, processes: processes, batch: batch)
            report("consume+ack, \(processes) consumer process(es) of one group, batch \(batch)", consumed, scaleBaseline,
                   "XADD -c 1 -P \(batch)")
        }

        let roundTrip = try await redisBenchmark(baseline, requests: 20_000, payload: payload, pipeline: 1, clients: 1)
        for rate in [1_000, 10_000] {
            let latency = try await bench.latency(eventsPerSecond: rate, seconds: latencySeconds)
            emit(String(format: "latency at %d events/s: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms over %d events"
                        + " | redis-benchmark XADD -c 1 -P 1 round trip: p50 %.3f ms, p99 %.3f ms",
                        rate, latency.p50, latency.p99, latency.p999, latency.count,
                        roundTrip.p50Milliseconds, roundTrip.p99Milliseconds))
        }
        let memory = try await bench.memory(events: memoryEvents, batch: batch)
        let megabytes = { (bytes: Int) in Double(bytes) / 1_048_576 }
        emit(String(format: "Redis used_memory, %d events through 2 groups: stream data %.1f MB | after both groups handled"
                    + " them %+.1f MB | with the earlier bus's 24-hour done-markers %+.1f MB",
                    memoryEvents, megabytes(memory.published - memory.before), megabytes(memory.handled - memory.published),
                    megabytes(memory.withEarlierMarkers - memory.published)))
        try await bench.cleanUp()
        await redis.shutdown()
    }

    private func redisBenchmark(_ baseline: RedisBenchmark, requests: Int, payload: Int, pipeline: Int, clients: Int) async throws
        -> RedisBenchmark.Result
    {
        try await NIOThreadPool.singleton.runIfActive {
            try baseline.xadd(requests: requests, payloadBytes: payload, pipeline: pipeline, clients: clients)
        }
    }

    private func report(_ name: String, _ rate: Double, _ baseline: RedisBenchmark.Result, _ baselineName: String) {
        emit(String(format: "%@: %.0f events/s | redis-benchmark %@: %.0f/s | ratio %.2f",
                    name, rate, baselineName, baseline.requestsPerSecond, rate / baseline.requestsPerSecond))
    }
}
