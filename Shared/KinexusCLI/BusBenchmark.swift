import Foundation
import KinexusBus
import KinexusEvents
import KinexusRedis
import Logging
import ServiceLifecycle
import Synchronization
import Tracing

/// The bus measured in-process against a scratch topic and scratch groups, removed afterwards.
struct BusBenchmark {
    struct Latency {
        let p50: Double
        let p99: Double
        let p999: Double
        let count: Int
    }

    let redis: RedisClient
    let body: String
    let source: String
    let detailType = "BenchEvent"

    init(redis: RedisClient, body: String, source: String = "kinexus.bench-\(UUID().uuidString.prefix(8).lowercased())") {
        self.redis = redis
        self.body = body
        self.source = source
    }

    var topic: Topic { Topic(source: source, detailType: detailType) }

    var publisher: EventPublisher {
        EventPublisher(redis: redis, account: "000000000000", region: "local")
    }

    func event(sentAt: Double = 0) -> EventPublisher.Outgoing {
        .init(envelope: EventEnvelope(
            detailType: detailType, source: source, account: "000000000000", region: "local",
            detail: .object(["sent_at": .number(sentAt), "body": .string(body)])))
    }

    func envelopeSize() throws -> Int {
        try event().envelope.encoded().count
    }

    func publishThroughput(events: Int, batch: Int) async throws -> Double {
        let batches = (0..<(events / batch)).map { _ in (0..<batch).map { _ in event() } }
        let started = ContinuousClock.now
        for events in batches {
            _ = try await publisher.publish(events)
        }
        return Double(events) / (ContinuousClock.now - started).seconds
    }

    struct Consumption {
        let eventsPerSecond: Double
        /// The process's CPU time (every thread, user and system) per event handled: steadier than the rate
        /// on a machine whose cores Redis shares, so small costs show.
        let cpuMicrosecondsPerEvent: Double
    }

    /// Publishes `events` first, then times `consumers` consumers of one group handling and acking them all.
    func consumeThroughput(events: Int, consumers: Int, batch: Int) async throws -> Consumption {
        let group = "bench-consume-\(UUID().uuidString.prefix(8))"
        let handled = Atomic<Int>(0)
        let running = try (0..<consumers).map { index in
            try consumer(group: group, name: "bench-\(index)", batch: batch) { _ in handled.add(1, ordering: .relaxed) }
        }
        for consumer in running { try await consumer.prepare() }
        for _ in 0..<(events / batch) {
            try await publishInSpan((0..<batch).map { _ in event() })
        }
        let total = (events / batch) * batch
        var elapsed = Duration.zero
        var cpu = 0.0
        try await run(running) {
            let started = ContinuousClock.now, cpuAtStart = Self.processCPUSeconds()
            while handled.load(ordering: .relaxed) < total {
                try await Task.sleep(for: .milliseconds(1))
            }
            elapsed = ContinuousClock.now - started
            cpu = Self.processCPUSeconds() - cpuAtStart
        }
        return Consumption(eventsPerSecond: Double(total) / elapsed.seconds, cpuMicrosecondsPerEvent: cpu * 1e6 / Double(total))
    }

    /// Publishes `events`, then times `processes` consumer processes of one group (`kinexus bench-worker`) handling
    /// and acking them all. The clock starts once every process is waiting on the stream, so their start-up is not
    /// counted, and stops when Redis shows the group has read the last entry and holds none pending.
    func consumeThroughput(events: Int, processes: Int, batch: Int) async throws -> Double {
        let group = "bench-processes-\(UUID().uuidString.prefix(8))"
        let stream = topic.streamKey
        let before = try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", "1").array?.first?.array?.first?.string ?? "0"
        for _ in 0..<(events / batch) {
            _ = try await publisher.publish((0..<batch).map { _ in event() })
        }
        try await redis.send("XGROUP", "CREATE", stream, group, "$", "MKSTREAM")
        let workers = try (0..<processes).map { index in
            try startWorker(group: group, name: "bench-process-\(index)", batch: batch)
        }
        defer { for worker in workers where worker.isRunning { worker.terminate() } }
        while try await redis.send("GET", Self.readyKey(group: group)).string.flatMap({ Int($0) }) ?? 0 < processes {
            guard workers.allSatisfy(\.isRunning) else { throw BenchError("a bench-worker process exited early") }
            try await Task.sleep(for: .milliseconds(5))
        }
        // The group goes back to just before this run's events; the one published after that wakes every blocked
        // read at once.
        try await redis.send("XGROUP", "SETID", stream, group, before)
        let started = ContinuousClock.now
        let last = try await publisher.publish([event()])[0]
        while try await !drained(stream: stream, group: group, through: last) {
            try await Task.sleep(for: .milliseconds(1))
        }
        let elapsed = ContinuousClock.now - started
        for worker in workers { worker.terminate() }
        while workers.contains(where: \.isRunning) { try await Task.sleep(for: .milliseconds(5)) }
        try await redis.send("XGROUP", "DESTROY", stream, group)
        try await redis.send("DEL", Self.readyKey(group: group))
        return Double((events / batch) * batch + 1) / elapsed.seconds
    }

    private func startWorker(group: String, name: String, batch: Int) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["bench-worker", "--source", source, "--group", group, "--name", name, "--batch", String(batch)]
        try process.run()
        return process
    }

    /// Counts the `bench-worker` processes whose group is ready; they are about to read.
    static func readyKey(group: String) -> String { "kinexus:bench:ready:\(group)" }

    private func drained(stream: String, group: String, through last: String) async throws -> Bool {
        let groups = try await redis.send("XINFO", "GROUPS", stream).array ?? []
        for value in groups.map(RedisValue.fields) {
            guard value["name"]?.string == group else { continue }
            return value["last-delivered-id"]?.string == last && value["pending"]?.integer == 0
        }
        throw BenchError("the group \(group) is gone")
    }

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let seconds = { (time: timeval) in Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Publishes at a steady rate, one small batch per millisecond tick, and records publish-to-handler time.
    func latency(eventsPerSecond: Int, seconds: Int) async throws -> Latency {
        let group = "bench-latency-\(UUID().uuidString.prefix(8))"
        let samples = Mutex<[Double]>([])
        let consumer = try consumer(group: group, name: "bench-latency", batch: 100) { envelope in
            guard case .number(let sentAt)? = envelope.detail["sent_at"] else { return }
            let milliseconds = (Date().timeIntervalSince1970 - sentAt) * 1000
            samples.withLock { $0.append(milliseconds) }
        }
        try await consumer.prepare()
        let total = eventsPerSecond * seconds
        try await run([consumer]) {
            let started = ContinuousClock.now
            var sent = 0
            while sent < total {
                let due = min(total, Int(Double(eventsPerSecond) * (ContinuousClock.now - started).seconds) + 1)
                if due > sent {
                    let now = Date().timeIntervalSince1970
                    try await publishInSpan((sent..<due).map { _ in event(sentAt: now) })
                    sent = due
                }
                try await Task.sleep(for: .microseconds(500))
            }
            while samples.withLock({ $0.count }) < total {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        let sorted = samples.withLock { $0 }.sorted()
        func percentile(_ fraction: Double) -> Double {
            sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
        }
        return Latency(p50: percentile(0.5), p99: percentile(0.99), p999: percentile(0.999), count: sorted.count)
    }

    /// As a service publishes: inside a span (its request's or its handler's), whose context the entries carry
    /// when tracing is on.
    private func publishInSpan(_ events: [EventPublisher.Outgoing]) async throws {
        try await withSpan("bench publish", ofKind: .producer) { _ in _ = try await publisher.publish(events) }
    }

    /// Redis's `used_memory` along one run: before, with `events` published, once two groups have handled
    /// them all, and with the done-markers the earlier bus kept per event and group for 24 hours written as it
    /// wrote them (`SET kinexus:done:<group>:<id> done PX 86400000`), for comparison in the same run.
    struct Memory {
        let before: Int
        let published: Int
        let handled: Int
        let withEarlierMarkers: Int
    }

    func memory(events: Int, batch: Int) async throws -> Memory {
        let groups = ["bench-memory-a-\(UUID().uuidString.prefix(8))", "bench-memory-b-\(UUID().uuidString.prefix(8))"]
        let handled = Atomic<Int>(0)
        let consumers = try groups.map { group in
            try consumer(group: group, name: group, batch: batch) { _ in handled.add(1, ordering: .relaxed) }
        }
        for consumer in consumers { try await consumer.prepare() }
        let before = try await usedMemory()
        let total = (events / batch) * batch
        for _ in 0..<(events / batch) {
            _ = try await publisher.publish((0..<batch).map { _ in event() })
        }
        let published = try await usedMemory()
        try await run(consumers) {
            while handled.load(ordering: .relaxed) < total * groups.count {
                try await Task.sleep(for: .milliseconds(5))
            }
            // The last batch's acks are written once its handlers return.
            try await Task.sleep(for: .milliseconds(200))
        }
        let afterHandling = try await usedMemory()
        let markerPrefix = "kinexus:bench:done:"
        for group in groups {
            for _ in 0..<(total / 1000) {
                _ = try await redis.pipeline((0..<1000).map { _ in
                    RedisCommand("SET", "\(markerPrefix)\(group):\(UUID().uuidString.lowercased())", "done", "PX", "86400000")
                })
            }
        }
        let withMarkers = try await usedMemory()
        try await unlinkKeys(matching: markerPrefix + "*")
        return Memory(before: before, published: published, handled: afterHandling, withEarlierMarkers: withMarkers)
    }

    private func usedMemory() async throws -> Int {
        let info = try await redis.send("INFO", "memory").string ?? ""
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("used_memory:") }
        guard let value = line.flatMap({ Int($0.dropFirst("used_memory:".count)) }) else {
            throw CommandFailure("INFO memory has no used_memory")
        }
        return value
    }

    /// UNLINK frees in the background: a DEL of the million-entry stream holds Redis while it frees 1.3 GB.
    func cleanUp() async throws {
        try await redis.send("UNLINK", topic.streamKey, "kinexus:bench:baseline")
    }

    /// Removes the keys a page of SCAN at a time. One script of KEYS and two million UNLINKs held Redis for 5 to 10 s
    /// (Redis logged "Slow script detected"); on a slower machine past the client's 10 s command timeout, which
    /// ended `deploy/local.sh bench` right after this benchmark with "Resource temporarily unavailable".
    private func unlinkKeys(matching pattern: String) async throws {
        var cursor = "0"
        repeat {
            let reply = try await redis.send("SCAN", cursor, "MATCH", pattern, "COUNT", "10000")
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string else {
                throw RedisError.unexpectedReply(command: "SCAN", reply: "\(reply)")
            }
            let keys = parts[1].array?.compactMap(\.string) ?? []
            if !keys.isEmpty {
                var command = RedisCommand("UNLINK")
                for key in keys { command.append(key) }
                try await redis.send(command)
            }
            cursor = next
        } while cursor != "0"
    }

    func consumer(group: String, name: String, batch: Int, handle: @escaping @Sendable (EventEnvelope) -> Void) throws
        -> EventConsumer
    {
        let subscription = try Subscription(
            pattern: #"{"source": ["\#(source)"], "detail-type": ["\#(detailType)"]}"#, batchSize: batch,
            concurrency: batch * 2
        ) { envelope, _ in handle(envelope) }
        var configuration = BusConfiguration(group: group, consumer: name)
        configuration.readBlock = .milliseconds(100)
        return try EventConsumer(redis: redis, configuration: configuration, subscriptions: [subscription],
                                 logger: Self.logger)
    }

    /// Warnings and errors only: a consumer's start and stop, once per process of the scale curve, are noise here.
    static var logger: Logger {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        return logger
    }

    private func run(_ consumers: [EventConsumer], _ body: () async throws -> Void) async throws {
        let group = ServiceGroup(configuration: .init(
            services: consumers.map { .init(service: $0) }, gracefulShutdownSignals: [], logger: Logger(label: "bench")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
