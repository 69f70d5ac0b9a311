import Foundation
import Logging
import NIOPosix
import Synchronization
import Tracing

/// A pool of hiredis connections whose blocking calls run on threads of the client's own, never on Swift's
/// cooperative pool. Safe to share: each command borrows an idle connection for one round trip.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    private let threads: NIOThreadPool
    private let idle = Mutex<[RedisConnection]>([])
    private let logger: Logger
    /// Looked up once (the lookup locks and casts); nil when no tracer is bootstrapped.
    private let tracer: (any Tracer)?

    public init(configuration: RedisConfiguration, logger: Logger = Logger(label: "kinexus.redis")) {
        self.configuration = configuration
        self.logger = logger
        let tracer = InstrumentationSystem.tracer
        self.tracer = tracer is NoOpTracer ? nil : tracer
        threads = NIOThreadPool(numberOfThreads: max(1, configuration.maxConnections))
        threads.start()
    }

    public convenience init(url: String, logger: Logger = Logger(label: "kinexus.redis")) throws {
        self.init(configuration: try RedisConfiguration(url: url), logger: logger)
    }

    /// Sends one command; an error reply throws `RedisError.server`.
    @discardableResult
    public func send(_ command: RedisCommand) async throws -> RedisValue {
        let reply = try await pipeline([command])[0]
        if case .error(let message) = reply {
            throw RedisError.server(command: command.name, message: message)
        }
        return reply
    }

    @discardableResult
    public func send(_ arguments: String...) async throws -> RedisValue {
        try await send(RedisCommand(arguments))
    }

    /// Sends many commands in one round trip. Error replies come back in place, as `.error`. Inside a trace the
    /// round trip is a client span; outside one (the bus polling its streams) it is not, or every read would
    /// be a trace of its own.
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        guard let tracer, ServiceContext.current != nil else { return try await roundTrip(commands) }
        return try await traced(commands, by: tracer)
    }

    private func traced(_ commands: [RedisCommand], by tracer: some Tracer) async throws -> [RedisValue] {
        try await tracer.withSpan(commands.count == 1 ? commands[0].name : "PIPELINE", ofKind: .client) { span in
            if span.isRecording { span.attributes = spanAttributes(commands) }
            return try await roundTrip(commands)
        }
    }

    /// The semantic conventions' database attributes: command names only, never arguments.
    private func spanAttributes(_ commands: [RedisCommand]) -> SpanAttributes {
        var attributes = SpanAttributes()
        attributes["db.system.name"] = "redis"
        attributes["db.namespace"] = String(configuration.database)
        attributes["server.address"] = configuration.host
        attributes["server.port"] = configuration.port
        if commands.count == 1 {
            attributes["db.operation.name"] = commands[0].name
        } else {
            attributes["db.operation.name"] = "PIPELINE"
            attributes["db.operation.batch.size"] = commands.count
            var names: [String] = []
            for command in commands where !names.contains(command.name) { names.append(command.name) }
            attributes["kinexus.redis.commands"] = names.joined(separator: " ")
        }
        return attributes
    }

    /// One round trip, sent again while Redis refuses every command of it unrun (`BUSY`, `LOADING`): a busy Redis
    /// is waited for, not taken for a failure. A command whose reply did not come is never sent again: it may have run.
    private func roundTrip(_ commands: [RedisCommand]) async throws -> [RedisValue] {
        let deadline = ContinuousClock.now + configuration.busyPatience
        var delay = Duration.milliseconds(50)
        while true {
            let replies = try await roundTripOnce(commands)
            guard Self.refusedUnrun(replies), ContinuousClock.now + delay < deadline else { return replies }
            if delay == .milliseconds(50), case .error(let message) = replies[0] { logBusy(message) }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(1))
        }
    }

    private func logBusy(_ reply: String) {
        logger.warning("Redis is busy (a long script, or loading its data); waiting for it", metadata: [
            "redis": "\(configuration.redactedURL)", "reply": "\(reply)",
            "patience_s": "\(configuration.busyPatience.components.seconds)",
        ])
    }

    /// Whether Redis answered every command with a refusal it gives before running one.
    static func refusedUnrun(_ replies: [RedisValue]) -> Bool {
        !replies.isEmpty && replies.allSatisfy { reply in
            guard case .error(let message) = reply else { return false }
            return RedisError.isBusyRefusal(message)
        }
    }

    private func roundTripOnce(_ commands: [RedisCommand]) async throws -> [RedisValue] {
        do {
            return try await threads.runIfActive { [self] in
                let connection = try checkOut()
                // A connection that fails mid-command may hold half a reply: it is dropped, never checked in.
                let replies = try connection.execute(commands)
                checkIn(connection)
                return replies
            }
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw RedisError.shutDown
        }
    }

    /// Closes every connection and stops the threads; commands in flight finish first.
    public func shutdown() async {
        try? await threads.shutdownGracefully()
        idle.withLock { $0.removeAll() }
    }

    private func checkOut() throws -> RedisConnection {
        if let connection = idle.withLock({ $0.popLast() }) {
            return connection
        }
        return try connect()
    }

    private func checkIn(_ connection: RedisConnection) {
        guard !connection.isBroken else { return }
        idle.withLock { $0.append(connection) }
    }

    /// Connects with exponential backoff, and waits out a busy Redis refusing the connection's `AUTH` or `SELECT`;
    /// runs on a pool thread, so sleeping here blocks no task.
    private func connect() throws -> RedisConnection {
        let busyDeadline = ContinuousClock.now + configuration.busyPatience
        var delay = Duration.milliseconds(50)
        var attempt = 1
        while true {
            do {
                return try RedisConnection(configuration: configuration)
            } catch RedisError.server(_, let message) where RedisError.isBusyRefusal(message) && ContinuousClock.now + delay < busyDeadline {
                if delay == .milliseconds(50) { logBusy(message) }
                Thread.sleep(forTimeInterval: delay.seconds)
                delay = min(delay * 2, .seconds(1))
            } catch let error as RedisError {
                guard case .connection = error, attempt < configuration.connectAttempts else { throw error }
                logger.warning("Redis connection failed, retrying", metadata: [
                    "redis": "\(configuration.redactedURL)", "attempt": "\(attempt)", "error": "\(error)",
                ])
                Thread.sleep(forTimeInterval: delay.seconds)
                delay = min(delay * 2, .seconds(2))
                attempt += 1
            }
        }
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
