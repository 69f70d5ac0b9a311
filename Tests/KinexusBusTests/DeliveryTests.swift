import Foundation
import KinexusBus
import KinexusEvents
import KinexusRedis
import KinexusTestSupport
import EventPatterns
import Synchronization
import Testing

struct DeliveryTests {
    func consumer(_ harness: BusHarness, group: String, recorder: Recorder, consumerName: String = TestEnvironment.unique("c"),
                  concurrency: Int = 16,
                  handler: (@Sendable (EventEnvelope, EventContext) async throws -> Void)? = nil) throws -> EventConsumer {
        let configuration = harness.configuration(group: group, consumer: consumerName)
        let subscription = try Subscription(pattern: harness.pattern, concurrency: concurrency) { envelope, context in
            recorder.record(envelope, context, consumer: consumerName)
            try await handler?(envelope, context)
        }
        return try EventConsumer(redis: harness.redis, configuration: configuration, subscriptions: [subscription])
    }

    @Test func eachEventIsHandledOnceWithinAGroupAndOncePerGroup() async throws {
        let harness = try BusHarness()
        let billing = Recorder(), audit = Recorder()
        let groupA = TestEnvironment.unique("group-a"), groupB = TestEnvironment.unique("group-b")
        let consumers = [
            try consumer(harness, group: groupA, recorder: billing),
            try consumer(harness, group: groupA, recorder: billing),
            try consumer(harness, group: groupB, recorder: audit),
        ]
        let events = (0..<50).map { _ in harness.envelope() }
        try await withConsumers(consumers) {
            _ = try await harness.publisher.publish(events.map { .init(envelope: $0) })
            #expect(await eventually { billing.count >= 50 && audit.count >= 50 })
            try await Task.sleep(for: .milliseconds(300))
        }
        for event in events {
            #expect(billing.count(of: event.id) == 1)
            #expect(audit.count(of: event.id) == 1)
        }
        #expect(Set(billing.all.map(\.consumer)).count == 2, "both consumers of the group share the work")
        #expect(try await harness.pendingCount(group: groupA) == 0)
        #expect(try await harness.pendingCount(group: groupB) == 0)
    }

    @Test func aHandlerThatFailsTwiceSucceedsOnTheThirdDeliveryAfterBackoff() async throws {
        let harness = try BusHarness()
        let recorder = Recorder()
        let group = TestEnvironment.unique("flaky")
        let flaky = try consumer(harness, group: group, recorder: recorder) { _, context in
            if context.attempt < 3 { throw Flaky() }
        }
        try await withConsumers([flaky]) {
            try await harness.publish(harness.envelope())
            #expect(await eventually { recorder.count >= 3 })
            #expect(try await eventually { try await harness.pendingCount(group: group) == 0 })
        }
        let calls = recorder.all
        #expect(calls.map(\.attempt) == [1, 2, 3])
        let policy = harness.configuration(group: group).retryPolicy
        // Each redelivery waits at least half its exponential step: 50 ms, then 100 ms.
        #expect(calls[1].at - calls[0].at >= policy.baseDelay / 2)
        #expect(calls[2].at - calls[1].at >= policy.baseDelay)
        #expect(try await DeadLetters(redis: harness.redis, group: group).list().isEmpty)
    }

    @Test func aHandlerThatAlwaysFailsEndsInTheDeadLetterStreamAndIsRedriven() async throws {
        let harness = try BusHarness()
        let recorder = Recorder()
        let group = TestEnvironment.unique("doomed")
        let healed = Mutex(false)
        let failing = try consumer(harness, group: group, recorder: recorder) { _, _ in
            if !healed.withLock({ $0 }) { throw Flaky() }
        }
        let event = harness.envelope()
        let deadLetters = DeadLetters(redis: harness.redis, group: group)
        try await withConsumers([failing]) {
            try await harness.publish(event)
            #expect(try await eventually { try await !deadLetters.list().isEmpty })
            let letter = try #require(try await deadLetters.list().first)
            #expect(letter.eventID == event.id)
            #expect(letter.errorCode == "flaky_dependency")
            #expect(letter.errorMessage?.isEmpty == false)
            #expect(letter.attempts == 3)
            #expect(letter.sourceStream == harness.topic.streamKey)
            #expect(recorder.count == 3)
            #expect(try await harness.pendingCount(group: group) == 0, "the original is acked")
            #expect(try await BusAdmin(redis: harness.redis).deadLetterGroups().contains(group), "the console lists its queue")

            healed.withLock { $0 = true }
            let redriven = try await deadLetters.redrive(ids: [letter.id], publisher: harness.publisher)
            #expect(redriven == [letter.id])
            #expect(await eventually { recorder.count == 4 })
            #expect(try await deadLetters.list().isEmpty)
        }
    }

    @Test func aPermanentErrorIsDeadLetteredWithoutRetries() async throws {
        struct NoSuchThing: Error, CodedError {
            let code = "no_such_thing"
            let isPermanent = true
        }
        let harness = try BusHarness()
        let recorder = Recorder()
        let group = TestEnvironment.unique("permanent")
        let failing = try consumer(harness, group: group, recorder: recorder) { _, _ in throw NoSuchThing() }
        let deadLetters = DeadLetters(redis: harness.redis, group: group)
        try await withConsumers([failing]) {
            try await harness.publish(harness.envelope())
            #expect(try await eventually { try await deadLetters.list().first?.errorCode == "no_such_thing" })
            #expect(try await deadLetters.list().first?.attempts == 1)
            #expect(try await harness.pendingCount(group: group) == 0)
        }
        #expect(recorder.count == 1)
    }

    @Test func anEventWhoseLetterCannotBeWrittenStaysPendingUntilItCan() async throws {
        let harness = try BusHarness()
        let recorder = Recorder()
        let group = TestEnvironment.unique("unwritable")
        let deadLetters = DeadLetters(redis: harness.redis, group: group)
        try await harness.redis.send("SET", deadLetters.streamKey, "not a stream")
        let failing = try consumer(harness, group: group, recorder: recorder) { _, _ in throw Flaky() }
        try await withConsumers([failing]) {
            try await harness.publish(harness.envelope())
            #expect(await eventually { recorder.count == 3 })
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await harness.pendingCount(group: group) == 1, "not acked without its letter")
            try await harness.redis.send("DEL", deadLetters.streamKey)
            #expect(try await eventually { try await deadLetters.list().first?.errorCode == "attempts_exhausted" })
            #expect(try await harness.pendingCount(group: group) == 0)
        }
        #expect(recorder.count == 3, "no attempt beyond the maximum runs the handler")
    }

    @Test func aFactPublishedAgainWithItsIDIsHandledOnce() async throws {
        let harness = try BusHarness()
        let recorder = Recorder()
        let group = TestEnvironment.unique("dedupe")
        let subscription = try Subscription(pattern: #"{"source": ["kinexus.kb"], "detail-type": ["KbSyncRequested"]}"#) {
            envelope, context in recorder.record(envelope, context, consumer: "c")
        }
        let consumer = try EventConsumer(redis: harness.redis, configuration: harness.configuration(group: group),
                                         subscriptions: [subscription])
        let id = TestEnvironment.unique("fact")
        try await withConsumers([consumer]) {
            for _ in 0..<3 {
                try await harness.publisher.publish(KbSyncRequested(jobID: "j"), source: .kb, id: id)
            }
            let later = try await harness.publisher.publish(KbSyncRequested(jobID: "j"), source: .kb)
            #expect(await eventually { recorder.count(of: later.id) == 1 })
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(recorder.count(of: id) == 1)
        let stream = Topic(source: EventSource.kb.rawValue, detailType: KbSyncRequested.detailType).streamKey
        let remembered = try await harness.redis.send("PTTL", "kinexus:published:\(stream):\(id)").integer ?? -1
        #expect((1...86_400_000).contains(remembered), "the id is remembered for the deduplication window")
    }

    @Test func twoDeliveriesOfOneEventIDNeverRunAtOnce() async throws {
        let harness = try BusHarness()
        let recorder = Recorder()
        let running = Mutex((now: 0, most: 0))
        let group = TestEnvironment.unique("one-at-a-time")
        let slow = try consumer(harness, group: group, recorder: recorder) { _, _ in
            running.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            try await Task.sleep(for: .milliseconds(200))
            running.withLock { $0.now -= 1 }
        }
        let event = harness.envelope()
        try await withConsumers([slow]) {
            try await harness.publish(event, event)
            #expect(await eventually { recorder.count(of: event.id) == 2 }, "copies added by hand are each handled")
            #expect(try await eventually { try await harness.pendingCount(group: group) == 0 })
        }
        #expect(running.withLock { $0.most } == 1, "one after the other")
        #expect(try await harness.redis.send("XLEN", DeadLetters.streamKey(group: group)) == .integer(0),
                "waiting for the other copy is not an attempt")
    }

    @Test func aDeliveryThatFindsItsEntryRunningInAStalledConsumerHandsItBack() async throws {
        let harness = try BusHarness()
        let recorder = Recorder()
        let group = TestEnvironment.unique("hand-back")
        let event = harness.envelope()
        let stream = harness.topic.streamKey
        let entryID = "\(Date().millisecondsSince1970 + 60_000)-0"
        let marker = "kinexus:running:\(group):\(event.id)"
        // A consumer named "stalled" runs this very entry: its marker is there before anyone else reads it.
        try await harness.redis.send("SET", marker, "stalled/\(stream)/\(entryID)", "PX", "60000")
        try await withConsumers([try consumer(harness, group: group, recorder: recorder)]) {
            var add = RedisCommand("XADD", stream, entryID, StreamEntry.envelopeField)
            add.append(bytes: try event.encoded())
            try await harness.redis.send(add)
            let owner = {
                try await harness.redis.send("XPENDING", stream, group, "-", "+", "10").array?.first?.array
            }
            #expect(try await eventually { try await owner()?[1].string == "stalled" }, "the entry went back to its runner")
            #expect(try await owner()?[3].integer == 0, "finding it running was not an attempt")
            #expect(recorder.count == 0)
            try await harness.redis.send("DEL", marker)
            #expect(await eventually { recorder.count(of: event.id) == 1 }, "claimed once the runner is gone")
        }
    }

    @Test func aHandledEventLeavesNothingBehindInRedis() async throws {
        let harness = try BusHarness()
        let recorder = Recorder()
        let group = TestEnvironment.unique("bounded")
        let events = (0..<200).map { _ in harness.envelope() }
        try await withConsumers([try consumer(harness, group: group, recorder: recorder)]) {
            _ = try await harness.publisher.publish(events.map { .init(envelope: $0) })
            #expect(try await eventually { try await harness.pendingCount(group: group) == 0 && recorder.count == 200 })
        }
        let markers = try await harness.redis.send("KEYS", "kinexus:*:\(group):*")
        #expect(markers.array?.isEmpty == true, "no key per handled event outlives its ack: \(markers)")
    }

    @Test func aLongHandlerThatExtendsItsLeaseIsNotHandledTwice() async throws {
        let harness = try BusHarness()
        let recorder = Recorder()
        let group = TestEnvironment.unique("lease")
        let slowHandler: @Sendable (EventEnvelope, EventContext) async throws -> Void = { _, _ in
            try await Task.sleep(for: .seconds(6))
        }
        let first = try consumer(harness, group: group, recorder: recorder, handler: slowHandler)
        let second = try consumer(harness, group: group, recorder: recorder, handler: slowHandler)
        let event = harness.envelope()
        try await withConsumers([first, second]) {
            try await harness.publish(event)
            #expect(await eventually { recorder.count == 1 })
            // Three visibility timeouts pass while the handler runs.
            #expect(try await eventually { try await harness.pendingCount(group: group) == 0 })
        }
        #expect(recorder.count(of: event.id) == 1)
    }

    /// On a loaded machine an ack can reach Redis later than the visibility timeout, and so can the lease's
    /// extensions, letting the event id's marker expire: until the ack is written the consumer still holds the
    /// entry, and the handler is not run a second time.
    @Test func anAckThatReachesRedisLateDoesNotRunTheHandlerAgain() async throws {
        let harness = try BusHarness()
        let recorder = Recorder()
        let group = TestEnvironment.unique("late-ack")
        let proxy = try await HoldingBackProxy(inFrontOf: try TestEnvironment.redisURL(), holdingBack: ["XACK", "PEXPIRE"],
                                               for: .seconds(4))
        let slowAcks = try RedisClient(url: proxy.url)
        let subscription = try Subscription(pattern: harness.pattern) { envelope, context in
            recorder.record(envelope, context, consumer: "late")
        }
        let consumer = try EventConsumer(redis: slowAcks, configuration: harness.configuration(group: group),
                                         subscriptions: [subscription])
        let event = harness.envelope()
        try await withConsumers([consumer]) {
            try await harness.publish(event)
            #expect(await eventually { recorder.count == 1 })
            #expect(try await eventually { try await harness.pendingCount(group: group) == 0 })
        }
        #expect(recorder.count(of: event.id) == 1)
        #expect(try await harness.redis.send("EXISTS", "kinexus:running:\(group):\(event.id)") == .integer(0))
        await slowAcks.shutdown()
        await proxy.close()
    }

    @Test func eventsTheRuleFiltersOutAreAckedWithoutTheHandler() async throws {
        let harness = try BusHarness()
        let recorder = Recorder()
        let group = TestEnvironment.unique("filter")
        let pattern = #"{"source": ["\#(harness.source)"], "detail-type": ["\#(harness.detailType)"], "detail": {"n": [{"numeric": [">", 5]}]}}"#
        let subscription = try Subscription(pattern: pattern) { envelope, context in
            recorder.record(envelope, context, consumer: "only")
        }
        let consumer = try EventConsumer(redis: harness.redis, configuration: harness.configuration(group: group),
                                         subscriptions: [subscription])
        let small = harness.envelope(detail: .object(["n": 1])), large = harness.envelope(detail: .object(["n": 9]))
        try await withConsumers([consumer]) {
            try await harness.publish(small, large)
            #expect(try await eventually {
                let pending = try await harness.pendingCount(group: group)
                return recorder.count == 1 && pending == 0
            })
        }
        #expect(recorder.all.map(\.eventID) == [large.id])
    }

    @Test func anUnreadableEntryIsDeadLetteredAtOnce() async throws {
        let harness = try BusHarness()
        let recorder = Recorder()
        let group = TestEnvironment.unique("garbage")
        let consumer = try consumer(harness, group: group, recorder: recorder)
        let deadLetters = DeadLetters(redis: harness.redis, group: group)
        try await withConsumers([consumer]) {
            try await harness.redis.send("XADD", harness.topic.streamKey, "*", "envelope", "{not json")
            #expect(try await eventually { try await deadLetters.list().first?.errorCode == "malformed_envelope" })
            #expect(try await harness.pendingCount(group: group) == 0)
        }
        #expect(recorder.count == 0)
    }

    @Test func consumersLongGoneWithNothingPendingAreRemoved() async throws {
        let harness = try BusHarness()
        let group = TestEnvironment.unique("expiry")
        let stream = harness.topic.streamKey
        try await harness.redis.send("XGROUP", "CREATE", stream, group, "$", "MKSTREAM")
        try await harness.redis.send("XGROUP", "CREATECONSUMER", stream, group, "gone-idle")
        try await harness.publish(harness.envelope())
        try await harness.redis.send("XREADGROUP", "GROUP", group, "gone-holding", "COUNT", "1", "STREAMS", stream, ">")
        var configuration = harness.configuration(group: group)
        configuration.consumerExpiry = .milliseconds(200)
        configuration.visibilityTimeout = .seconds(30)
        let subscription = try Subscription(pattern: harness.pattern) { _, _ in }
        let consumer = try EventConsumer(redis: harness.redis, configuration: configuration, subscriptions: [subscription])
        func consumerNames() async throws -> [String] {
            try await harness.redis.send("XINFO", "CONSUMERS", stream, group).array?.compactMap {
                $0.array?[1].string
            } ?? []
        }
        try await withConsumers([consumer]) {
            #expect(try await eventually { try await !consumerNames().contains("gone-idle") })
            try await Task.sleep(for: .milliseconds(300))
            let names = try await consumerNames()
            #expect(names.contains("gone-holding"), "a consumer that still holds entries is kept")
        }
    }

    @Test func aSubscriptionNeedsExactSourcesAndDetailTypes() {
        #expect {
            try Subscription(pattern: #"{"source": [{"prefix": "kinexus."}], "detail-type": ["X"]}"#) { _, _ in }
        } throws: { ($0 as? EventPatternError)?.field == "source" }
        #expect {
            try Subscription(pattern: #"{"source": ["kinexus.jira"]}"#) { _, _ in }
        } throws: { ($0 as? EventPatternError)?.field == "detail-type" }
    }

    @Test func twoSubscriptionsOfOneServiceCannotReadTheSameTopic() throws {
        let harness = try BusHarness()
        let one = try Subscription(pattern: harness.pattern) { _, _ in }
        let two = try Subscription(pattern: harness.pattern) { _, _ in }
        #expect(throws: BusError.overlappingSubscriptions(topic: harness.topic.streamKey)) {
            try EventConsumer(redis: harness.redis, configuration: harness.configuration(group: "g"),
                              subscriptions: [one, two])
        }
    }
}

struct TypedSubscriptionTests {
    @Test func aCatalogSubscriptionDecodesTheDetailAndFiltersOnIt() async throws {
        let harness = try BusHarness()
        let group = TestEnvironment.unique("typed")
        let jobs = Mutex<[String]>([])
        let wanted = TestEnvironment.unique("job"), unwanted = TestEnvironment.unique("other")
        let subscription = try Subscription(
            KbSyncRequested.self, from: [.kb], detailPattern: .object(["job_id": .array([.object(["prefix": .string("job-")])])])
        ) { request, context in
            #expect(context.correlationID == "corr-typed")
            jobs.withLock { $0.append(request.jobID) }
        }
        #expect(subscription.topics == [Topic(source: "kinexus.kb", detailType: "KbSyncRequested")])
        let consumer = try EventConsumer(redis: harness.redis, configuration: harness.configuration(group: group),
                                         subscriptions: [subscription])
        try await withConsumers([consumer]) {
            for job in [unwanted, wanted] {
                try await harness.publisher.publish(KbSyncRequested(jobID: job), source: .kb, correlationID: "corr-typed")
            }
            #expect(await eventually { jobs.withLock { $0.contains(wanted) } })
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(!jobs.withLock { $0.contains(unwanted) })
    }
}
