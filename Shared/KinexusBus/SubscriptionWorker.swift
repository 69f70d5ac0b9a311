import Foundation
import KinexusEvents
import KinexusRedis
import Logging
import Synchronization
import Tracing

/// Runs one subscription in one replica: reads new entries and due retries, hands each to the handler
/// under a claim and a lease, and acks, retries or dead-letters by the outcome.
final class SubscriptionWorker: Sendable {
    let subscription: Subscription
    let configuration: BusConfiguration
    let redis: RedisClient
    let publisher: EventPublisher
    let logger: Logger
    let metrics: BusMetrics
    let inFlight: InFlightDeliveries
    let completions: Completions
    private let stopping = Atomic<Bool>(false)

    init(subscription: Subscription, configuration: BusConfiguration, redis: RedisClient, logger: Logger, metrics: BusMetrics) {
        self.subscription = subscription
        self.configuration = configuration
        self.redis = redis
        self.logger = logger
        publisher = EventPublisher(redis: redis, configuration: configuration)
        self.metrics = metrics
        let inFlight = InFlightDeliveries()
        self.inFlight = inFlight
        completions = Completions(redis: redis, group: configuration.group, inFlight: inFlight, logger: logger)
    }

    var streams: [String] { subscription.topics.map(\.streamKey) }

    /// Stops reading; in-flight handlers get the grace period to finish.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        inFlight.wake()
    }

    private var isStopping: Bool { stopping.load(ordering: .relaxed) || Task.isCancelled }

    func run() async {
        let reader = blockingReader()
        await withDiscardingTaskGroup { background in
            // Never cancelled: it ends once the acks of every finished handler are written.
            background.addTask { await self.completions.run() }
            await withDiscardingTaskGroup { leases in
                leases.addTask { await self.extendLeases() }
                await withDiscardingTaskGroup { handlers in
                    await readLoop(reader: reader, handlers: &handlers)
                    await waitForHandlers()
                    // Past the grace period: cancelled handlers leave their entries pending for another replica.
                    handlers.cancelAll()
                }
                leases.cancelAll()
            }
            completions.finish()
        }
        await reader.shutdown()
    }

    /// The blocking read's own connection and thread. On the shared pool, more subscriptions than it has
    /// connections (an event-router with a rule per connection) held every thread in `BLOCK`, and each ack, claim
    /// and lease waited behind a whole round of reads.
    private func blockingReader() -> RedisClient {
        var dedicated = redis.configuration
        dedicated.maxConnections = 1
        return RedisClient(configuration: dedicated, logger: logger)
    }

    private func readLoop(reader: RedisClient, handlers: inout DiscardingTaskGroup) async {
        var slots = inFlight.slotSignals.makeAsyncIterator()
        var nextScan = ContinuousClock.now
        var failureDelay = Duration.milliseconds(100)
        while !isStopping {
            let free = subscription.concurrency - inFlight.reserved
            if free <= 0 {
                _ = await slots.next()
                continue
            }
            do {
                var deliveries: [(StreamEntry, attempt: Int)] = []
                if ContinuousClock.now >= nextScan {
                    deliveries += try await claimDueRetries(limit: free)
                    nextScan = ContinuousClock.now + scanInterval
                }
                if deliveries.count < free {
                    deliveries += try await readNew(count: min(subscription.batchSize, free - deliveries.count), from: reader)
                }
                failureDelay = .milliseconds(100)
                guard !deliveries.isEmpty else { continue }
                // The batch is settled in a task of its own, so the next read overlaps its parsing and claims.
                inFlight.take(deliveries.map(\.0.inFlight))
                handlers.addTask { [deliveries] in await self.process(deliveries) }
            } catch {
                if case RedisError.server(_, let message) = error, message.hasPrefix("NOGROUP") {
                    try? await createGroups()
                }
                logger.error("bus read failed, retrying", metadata: [
                    "error": "\(error)", "retry_in_ms": "\(failureDelay.milliseconds)",
                ])
                try? await Task.sleep(for: failureDelay)
                failureDelay = min(failureDelay * 2, .seconds(5))
            }
        }
    }

    private var scanInterval: Duration {
        min(max(configuration.retryBaseDelay / 4, .milliseconds(20)), .seconds(1))
    }

    /// Creates the group on every topic stream, at the configured start: like a new EventBridge rule, a new
    /// service sees events published from now on.
    func createGroups() async throws {
        let commands = streams.map { RedisCommand("XGROUP", "CREATE", $0, configuration.group, configuration.groupStart, "MKSTREAM") }
        for (command, reply) in zip(commands, try await redis.pipeline(commands)) {
            if case .error(let message) = reply, !message.hasPrefix("BUSYGROUP") {
                throw RedisError.server(command: command.name, message: message)
            }
        }
    }

    private func readNew(count: Int, from reader: RedisClient) async throws -> [(StreamEntry, attempt: Int)] {
        let command = RedisCommand(
            ["XREADGROUP", "GROUP", configuration.group, configuration.consumer, "COUNT", String(count),
             "BLOCK", String(max(1, configuration.readBlock.milliseconds)), "STREAMS"]
                + streams + streams.map { _ in ">" })
        return StreamEntry.parseRead(try await reader.send(command)).map { ($0, 1) }
    }

    /// Claims pending entries whose time has come: this consumer's failures once their backoff has
    /// passed, and anyone's entries idle past the visibility timeout (their consumer is gone).
    private func claimDueRetries(limit: Int) async throws -> [(StreamEntry, attempt: Int)] {
        let policy = configuration.retryPolicy
        let minimumIdle = policy.delay(afterAttempt: 1, entryID: "") / 2
        let scans = streams.map {
            RedisCommand("XPENDING", $0, configuration.group, "IDLE", String(minimumIdle.milliseconds), "-", "+",
                         String(limit))
        }
        var claims: [(command: RedisCommand, stream: String, deliveries: Int)] = []
        for (stream, reply) in zip(streams, try await redis.pipeline(scans)) {
            for pending in reply.array ?? [] {
                guard let fields = pending.array, fields.count == 4, let id = fields[0].string,
                      let owner = fields[1].string, let idle = fields[2].integer, let deliveries = fields[3].integer
                else { continue }
                let due: Duration = owner == configuration.consumer
                    ? policy.delay(afterAttempt: Int(deliveries), entryID: id)
                    : configuration.visibilityTimeout
                guard Duration.milliseconds(idle) >= due, !inFlight.isTaken(.init(stream: stream, entryID: id)) else { continue }
                claims.append((RedisCommand("XCLAIM", stream, configuration.group, configuration.consumer,
                                            String(due.milliseconds), id), stream, Int(deliveries)))
            }
        }
        guard !claims.isEmpty else { return [] }
        let replies = try await redis.pipeline(claims.prefix(limit).map(\.command))
        return zip(claims, replies).flatMap { claim, reply in
            StreamEntry.parseEntries(reply, stream: claim.stream).map { ($0, claim.deliveries + 1) }
        }
    }

    /// Settles a batch: entries that need no handler are acked (or dead-lettered) at once; the rest have
    /// their event ids claimed in one round trip and run their handlers. An entry keeps its slot until it is
    /// settled: dead-lettered, left pending, or its ack queued.
    private func process(_ deliveries: [(StreamEntry, attempt: Int)]) async {
        var toHandle: [Delivery] = []
        for (entry, attempt) in deliveries {
            if let delivery = await prepare(entry, attempt: attempt) {
                toHandle.append(delivery)
            }
        }
        let claims: [Claim]
        do {
            claims = try await acquireMarkers(toHandle.map(\.lease))
        } catch {
            // Unclaimed entries stay pending; the retry scan brings them back.
            logger.error("cannot claim events, retrying later", metadata: ["error": "\(error)", "count": "\(toHandle.count)"])
            for delivery in toHandle { inFlight.release(delivery.entry.inFlight) }
            return
        }
        await withDiscardingTaskGroup { running in
            for (delivery, claim) in zip(toHandle, claims) {
                switch claim {
                case .acquired:
                    running.addTask { await self.handle(delivery) }
                case .busy(let holder):
                    // Another delivery of the same event id is running; this one stays pending and is retried.
                    delivery.logger.debug("event is being handled by another delivery, retrying later")
                    await giveBack(delivery, runningIn: holder)
                    inFlight.release(delivery.entry.inFlight)
                }
            }
        }
    }

    enum Claim {
        /// The marker is this delivery's.
        case acquired
        /// The marker holds the token of the delivery running the event id.
        case busy(holder: String)
    }

    /// Claims each lease's event id with one `SET NX GET` each, all in one round trip. A marker that is
    /// already there means a delivery of that id is running — or, when the token is this one's, that an
    /// earlier run of this consumer (under the same name, before a restart) may have handled it without its
    /// ack: running it again would handle the event twice. The entry stays pending and comes back once the
    /// marker is gone with the ack, or expired with a lost lease. Repeats of one event id never reach a group:
    /// the publisher stops them (`EventPublisher.publish`). Answers one claim per lease, in order; a lease
    /// without a marker (a directed copy) is always acquired.
    private func acquireMarkers(_ leases: [InFlightDeliveries.Lease]) async throws -> [Claim] {
        let ttl = String(configuration.visibilityTimeout.milliseconds)
        let marked = leases.compactMap { lease in lease.marker.map { (lease.token, $0) } }
        var replies = try await redis.pipeline(marked.map { token, marker in
            RedisCommand("SET", marker, token, "NX", "GET", "PX", ttl)
        })[...]
        return try leases.map { lease in
            guard lease.marker != nil else { return .acquired }
            let reply = replies.removeFirst()
            if case .error(let message) = reply { throw RedisError.server(command: "SET", message: message) }
            return reply.string.map { .busy(holder: $0) } ?? .acquired
        }
    }

    struct Delivery: Sendable {
        let entry: StreamEntry
        let envelope: EventEnvelope
        let correlationID: String
        let attempt: Int
        let lease: InFlightDeliveries.Lease
        let baseLogger: Logger

        /// Made on demand: most deliveries never log, and setting metadata costs a copy each time.
        var logger: Logger { eventLogger(baseLogger, envelope: envelope, correlationID: correlationID) }

        /// The semantic conventions' messaging attributes, and which attempt this is.
        func spanAttributes(group: String, consumer: String) -> SpanAttributes {
            var attributes = SpanAttributes()
            attributes["messaging.system"] = "redis"
            attributes["messaging.operation.type"] = "process"
            attributes["messaging.operation.name"] = "process"
            attributes["messaging.destination.name"] = entry.stream
            attributes["messaging.consumer.group.name"] = group
            attributes["messaging.client.id"] = consumer
            attributes["messaging.message.id"] = envelope.id
            attributes["messaging.message.conversation_id"] = correlationID
            attributes["kinexus.stream.entry_id"] = entry.id
            attributes["kinexus.detail_type"] = envelope.detailType
            attributes["kinexus.attempt"] = attempt
            return attributes
        }
    }

    /// The delivery to hand to the handler, or nil when the entry is settled here: acked, or dead-lettered.
    private func prepare(_ entry: StreamEntry, attempt: Int) async -> Delivery? {
        let ack = Completions.Completion(stream: entry.stream, entryID: entry.id)
        guard entry.fields != nil else {
            completions.add(ack)  // trimmed while pending: nothing left to deliver
            return nil
        }
        if let onlyGroup = entry.onlyGroup, onlyGroup != configuration.group {
            completions.add(ack)
            return nil
        }
        let envelope: EventEnvelope
        do {
            envelope = try entry.envelope()
        } catch {
            // Retrying cannot make an unreadable entry readable.
            await deadLetter(entry, envelope: nil, code: "malformed_envelope", message: "\(error)", attempt: attempt,
                             logger: logger)
            inFlight.release(entry.inFlight)
            return nil
        }
        let correlationID = entry.correlationID ?? envelope.id
        metrics.count(.received, detailType: envelope.detailType)
        guard subscription.pattern.selectsWholeTopics || subscription.pattern.matches(envelope) else {
            metrics.count(.filtered, detailType: envelope.detailType)
            completions.add(ack)
            return nil
        }
        // Redriven and replayed copies are meant to run again, so they bypass the marker.
        let marker = entry.onlyGroup == nil
            ? DeliveryScripts.markerKey(group: configuration.group, eventID: envelope.id) : nil
        let lease = InFlightDeliveries.Lease(
            stream: entry.stream, entryID: entry.id, marker: marker,
            token: "\(configuration.consumer)/\(entry.stream)/\(entry.id)")
        return Delivery(entry: entry, envelope: envelope, correlationID: correlationID, attempt: attempt,
                        lease: lease, baseLogger: logger)
    }

    private func handle(_ delivery: Delivery) async {
        let lease = inFlight.begin(delivery.lease)
        if await run(delivery) {
            completions.add(.init(stream: delivery.entry.stream, entryID: delivery.entry.id,
                                  marker: delivery.lease.marker.map { ($0, delivery.lease.token) }, lease: lease))
        } else {
            inFlight.end(lease)
            inFlight.release(delivery.entry.inFlight)
        }
    }

    /// Runs the delivery in its publisher's trace; answers whether the handler succeeded, so the entry is acked.
    private func run(_ delivery: Delivery) async -> Bool {
        let traceFields = publisher.traceFields
        guard let tracer = traceFields.tracer else { return await settle(delivery, span: nil) }
        let fields = delivery.entry.fields ?? [:]
        if let parent = fields[TraceFields.names[0]], !TraceFields.isSampled(parent) {
            // The publisher's span was not sampled, so neither is this one (parent-based sampling and trace-id
            // ratios agree): no span is started — at 1% sampling that was most of tracing's cost per delivery —
            // and the publisher's context is carried on, so what the handler publishes stays in its trace.
            return await ServiceContext.$current.withValue(traceFields.context(of: fields)) { await settle(delivery, span: nil) }
        }
        return await settle(delivery, tracedBy: tracer)
    }

    /// A child of whatever published the event, so one trace follows a fact across services; every delivery
    /// of it (a retry, a claim by another replica) is a span of its own in that trace.
    private func settle(_ delivery: Delivery, tracedBy tracer: some Tracer) async -> Bool {
        let fields = delivery.entry.fields ?? [:], traceFields = publisher.traceFields
        return await tracer.withSpan("process \(delivery.entry.stream)", context: traceFields.context(of: fields) ?? .topLevel, ofKind: .consumer) { span in
            if span.isRecording {
                span.attributes = delivery.spanAttributes(group: configuration.group, consumer: configuration.consumer)
                if let origin = traceFields.context(of: fields, prefix: TraceFields.originPrefix) {
                    span.addLink(SpanLink(context: origin, attributes: [:]))
                }
            }
            return await settle(delivery, span: span)
        }
    }

    /// Runs the handler, and retries or dead-letters a failure, which the span (if any) records; answers
    /// whether the handler succeeded.
    private func settle(_ delivery: Delivery, span: (any Span)?) async -> Bool {
        let detailType = delivery.envelope.detailType
        if delivery.attempt > configuration.maxAttempts {
            // The consumer died during the last attempt: there is no attempt left to give.
            span?.attributes["kinexus.outcome"] = "dead_lettered"
            span?.setStatus(SpanStatus(code: .error, message: "attempts_exhausted"))
            await deadLetter(delivery.entry, envelope: delivery.envelope, code: "attempts_exhausted",
                             message: "the consumer handling the last attempt stopped without an outcome",
                             attempt: delivery.attempt - 1, logger: delivery.logger)
            return false
        }
        let context = EventContext(
            correlationID: delivery.correlationID, baseLogger: logger, envelope: delivery.envelope, attempt: delivery.attempt,
            stream: delivery.entry.stream, entryID: delivery.entry.id, publisher: publisher)
        let started = ContinuousClock.now
        do {
            try await subscription.handler(delivery.envelope, context)
            metrics.recordDuration(ContinuousClock.now - started, detailType: detailType)
            metrics.count(.handled, detailType: detailType)
            return true
        } catch {
            metrics.recordDuration(ContinuousClock.now - started, detailType: detailType)
            await release(delivery.lease)
            if Task.isCancelled {
                span?.attributes["kinexus.outcome"] = "cancelled"
                delivery.logger.warning("handler cancelled at shutdown; the event stays pending")
                return false
            }
            metrics.count(.failed, detailType: detailType)
            let coded = error as? any CodedError
            let code = coded?.code ?? String(describing: type(of: error))
            // The debug form: some errors (PostgresNIO's) hide the server's message from their description.
            let message = String(reflecting: error)
            span?.recordError(error)
            span?.setStatus(SpanStatus(code: .error, message: code))
            if coded?.isPermanent == true || configuration.retryPolicy.isExhausted(deliveries: delivery.attempt) {
                span?.attributes["kinexus.outcome"] = "dead_lettered"
                await deadLetter(delivery.entry, envelope: delivery.envelope, code: code, message: message,
                                 attempt: delivery.attempt, logger: delivery.logger)
            } else {
                span?.attributes["kinexus.outcome"] = "retry"
                metrics.count(.retried, detailType: detailType)
                await recordFailure(delivery)
                let delay = configuration.retryPolicy.delay(afterAttempt: delivery.attempt, entryID: delivery.entry.id)
                delivery.logger.warning("handler failed, will retry", metadata: [
                    "attempt": "\(delivery.attempt)", "error_code": "\(code)", "error": "\(message)",
                    "retry_in_ms": "\(delay.milliseconds)",
                ])
            }
            return false
        }
    }

    /// A delivery that found its event id running elsewhere hands the entry back, and waiting is not an
    /// attempt: the delivery count goes back to what it was, so the wait never dead-letters it. When the
    /// running delivery is of this very entry (a consumer that stalled past the visibility timeout and came
    /// back), the entry returns to that consumer, whose lease extensions then keep it — no one polls it, and
    /// its ack ends it. Any other entry (a copy added by hand) waits here for the other delivery to finish.
    private func giveBack(_ delivery: Delivery, runningIn holder: String) async {
        let entry = delivery.entry
        let sameEntry = "/\(entry.stream)/\(entry.id)"
        let runner = holder.hasSuffix(sameEntry) ? String(holder.dropLast(sameEntry.count)) : ""
        let owner = runner.isEmpty ? configuration.consumer : runner
        _ = try? await redis.send("XCLAIM", entry.stream, configuration.group, owner, "0", entry.id,
                                  "RETRYCOUNT", String(max(delivery.attempt - 1, 0)), "JUSTID")
    }

    /// Kept for `kinexus trace` as long as the stream keeps the entry; retries are rare, so is this key.
    private func recordFailure(_ delivery: Delivery) async {
        let key = FailedAttempts.key(group: configuration.group, stream: delivery.entry.stream, entryID: delivery.entry.id)
        _ = try? await redis.send("SET", key, String(delivery.attempt), "PX", String(configuration.streamRetention.milliseconds))
    }

    private func release(_ lease: InFlightDeliveries.Lease) async {
        guard let marker = lease.marker else { return }
        _ = try? await redis.send(DeliveryScripts.command(DeliveryScripts.release, keys: [marker], arguments: [lease.token]))
    }

    private func deadLetter(
        _ entry: StreamEntry, envelope: EventEnvelope?, code: String, message: String, attempt: Int, logger: Logger
    ) async {
        let command = DeadLetters.deadLetter(
            entry: entry, group: configuration.group, consumer: configuration.consumer, errorCode: code,
            errorMessage: message, attempts: attempt, eventID: envelope?.id, detailType: envelope?.detailType)
        do {
            try await redis.send(command)
            metrics.count(.deadLettered, detailType: envelope?.detailType ?? "unknown")
            logger.error("event dead-lettered", metadata: [
                "stream": "\(entry.stream)", "entry_id": "\(entry.id)",
                "attempts": "\(attempt)", "error_code": "\(code)", "error": "\(message)",
                "dead_letter_stream": "\(configuration.deadLetterStream)",
            ])
        } catch {
            // The entry stays pending; the next scan tries again.
            logger.error("cannot dead-letter an event", metadata: ["entry_id": "\(entry.id)", "error": "\(error)"])
        }
    }

    /// Every third of the visibility timeout, resets the idle time of each entry being handled here.
    private func extendLeases() async {
        let interval = configuration.visibilityTimeout / 3
        let ttl = String(configuration.visibilityTimeout.milliseconds)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let leases = inFlight.leases
            guard !leases.isEmpty else { continue }
            let commands = leases.map { lease in
                DeliveryScripts.command(
                    DeliveryScripts.extendLease, keys: [lease.stream, lease.marker ?? lease.stream],
                    arguments: [configuration.group, configuration.consumer, lease.entryID, lease.marker == nil ? "" : lease.token, ttl])
            }
            do {
                for (lease, reply) in zip(leases, try await redis.pipeline(commands)) where reply.integer == 0 {
                    logger.warning("lease lost: another consumer claimed the entry", metadata: [
                        "stream": "\(lease.stream)", "entry_id": "\(lease.entryID)",
                    ])
                }
            } catch {
                logger.warning("cannot extend leases", metadata: ["error": "\(error)"])
            }
        }
    }

    private func waitForHandlers() async {
        let deadline = ContinuousClock.now + configuration.shutdownGracePeriod
        while inFlight.reserved > 0, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if inFlight.reserved > 0 {
            logger.warning("grace period over, cancelling handlers", metadata: ["in_flight": "\(inFlight.leaseCount)"])
        }
    }
}

extension StreamEntry {
    var inFlight: InFlightDeliveries.Entry { .init(stream: stream, entryID: id) }
}
