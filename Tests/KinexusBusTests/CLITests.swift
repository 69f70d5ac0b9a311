import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusTestSupport
import Synchronization
import Testing

/// The `kinexus` command, run as the built binary against the test Redis.
struct CLITests {
    let harness: BusHarness

    init() throws {
        harness = try BusHarness()
    }

    struct Run {
        let status: Int32?
        let output: String
    }

    func kinexus(_ arguments: String..., timeout: Duration = .seconds(20)) async throws -> Run {
        let process = try ChildProcess(executable: "kinexus", arguments: arguments,
                                       environment: ["KINEXUS_REDIS_URL": try TestEnvironment.redisURL()])
        try process.start()
        let status = await process.exitStatus(within: timeout)
        return Run(status: status, output: process.output)
    }

    func jsonLines(_ output: String) -> [JSONValue] {
        output.split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }
    }

    @Test func putEventsThenTapPrintsTheEnvelope() async throws {
        let put = try await kinexus("put-events", "--source", harness.source, "--detail-type", "KbSyncRequested",
                                    "--detail", #"{"job_id": "job-1"}"#, "--correlation-id", "corr-1")
        #expect(put.status == 0, "\(put.output)")
        let id = try #require(jsonLines(put.output).first?["Entries"].flatMap {
            if case .array(let entries) = $0 { entries.first?["EventId"]?.stringValue } else { nil }
        })
        let tap = try await kinexus("tap", "\(harness.source):KbSyncRequested", "--from=-5m", "--count", "1")
        #expect(tap.status == 0, "\(tap.output)")
        let envelope = try #require(jsonLines(tap.output).first)
        #expect(envelope["id"]?.stringValue == id)
        #expect(envelope["detail"]?["job_id"] == "job-1")
        #expect(envelope["detail-type"] == "KbSyncRequested")
        #expect(envelope["account"] == "000000000000")
        let entry = try await harness.redis.send("XREVRANGE", Topic(source: harness.source, detailType: "KbSyncRequested").streamKey, "+", "-", "COUNT", "1")
        #expect(StreamEntry.parseEntries(entry, stream: "").first?.correlationID == "corr-1")
    }

    @Test func tapWaitsForNewEventsAndFiltersByPattern() async throws {
        let pattern = #"{"source": ["\#(harness.source)"], "detail-type": ["\#(harness.detailType)"], "detail": {"n": [2]}}"#
        let process = try ChildProcess(executable: "kinexus", arguments: ["tap", "--pattern", pattern, "--count", "1"],
                                       environment: ["KINEXUS_REDIS_URL": try TestEnvironment.redisURL()])
        try process.start()
        // Tapping starts at the stream's end when the tap first reads it: publish once it waits in XREAD.
        #expect(try await eventually {
            try await harness.redis.send("CLIENT", "LIST").string?.contains("cmd=xread ") == true
        }, "\(process.output)")
        let wanted = harness.envelope(detail: .object(["n": 2]))
        try await harness.publish(harness.envelope(detail: .object(["n": 1])), wanted)
        #expect(await process.exitStatus(within: .seconds(10)) == 0, "\(process.output)")
        #expect(jsonLines(process.output).map { $0["id"]?.stringValue } == [wanted.id])
    }

    @Test func putEventsReadsPutEventsEntriesAndRefusesBadDetails() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(TestEnvironment.unique("entries") + ".json")
        try #"""
        [{"Source": "\#(harness.source)", "DetailType": "KbSyncRequested", "Detail": "{\"job_id\": \"a\"}"},
         {"Source": "\#(harness.source)", "DetailType": "Custom", "Detail": {"anything": true}}]
        """#.write(to: file, atomically: true, encoding: .utf8)
        let put = try await kinexus("put-events", "--entries", file.path)
        #expect(put.status == 0, "\(put.output)")
        #expect(put.output.contains(#""FailedEntryCount":0"#))

        let bad = try await kinexus("put-events", "--source", harness.source, "--detail-type", "KbSyncRequested",
                                    "--detail", #"{"job": "a"}"#)
        #expect(bad.status == 1)
        #expect(bad.output.contains("missing field 'job_id'"))
    }

    @Test func testEventPatternAnswersLikeTheAWSCommand() async throws {
        let event = #"{"source": "kinexus.jira", "detail-type": "ChangeDetected", "detail": {"labels": ["needs-docs"]}}"#
        let yes = try await kinexus("test-event-pattern", "--event-pattern", #"{"detail": {"labels": [{"prefix": "needs"}]}}"#,
                                    "--event", event)
        #expect(yes.status == 0)
        #expect(yes.output.trimmingCharacters(in: .whitespacesAndNewlines) == #"{"Result": true}"#)
        let no = try await kinexus("test-event-pattern", "--event-pattern", #"{"detail": {"labels": ["api-change"]}}"#,
                                   "--event", event)
        #expect(no.status == 0)
        #expect(no.output.trimmingCharacters(in: .whitespacesAndNewlines) == #"{"Result": false}"#)
        let invalid = try await kinexus("test-event-pattern", "--event-pattern", #"{"detail": {"labels": "needs-docs"}}"#,
                                        "--event", event)
        #expect(invalid.status == 2)
        #expect(invalid.output.contains("detail.labels"))
    }

    @Test func deadLettersAreListedShownAndRedrivenThroughTheCLI() async throws {
        let group = TestEnvironment.unique("cli-dlq")
        let healed = Mutex(false), handled = Mutex(0)
        let subscription = try Subscription(pattern: harness.pattern) { _, _ in
            guard healed.withLock({ $0 }) else { throw Flaky() }
            handled.withLock { $0 += 1 }
        }
        let consumer = try EventConsumer(redis: harness.redis, configuration: harness.configuration(group: group),
                                         subscriptions: [subscription])
        let event = harness.envelope()
        try await withConsumers([consumer]) {
            try await harness.publish(event)
            #expect(try await eventually { try await !DeadLetters(redis: harness.redis, group: group).list().isEmpty })

            let list = try await kinexus("dlq", "list", "--group", group)
            #expect(list.status == 0, "\(list.output)")
            let letter = try #require(jsonLines(list.output).first)
            #expect(letter["event_id"]?.stringValue == event.id)
            #expect(letter["error_code"] == "flaky_dependency")
            #expect(letter["attempts"] == 3)
            let letterID = try #require(letter["id"]?.stringValue)

            let show = try await kinexus("dlq", "show", "--group", group, letterID)
            #expect(jsonLines(show.output).first?["envelope"]?["id"]?.stringValue == event.id)

            let streams = try await kinexus("streams", "--json")
            let row = jsonLines(streams.output).first { $0["group"]?.stringValue == group }
            #expect(row?["pending"] == 0)
            #expect(row?["length"] == 1)

            healed.withLock { $0 = true }
            let redrive = try await kinexus("dlq", "redrive", "--group", group, letterID)
            #expect(redrive.status == 0, "\(redrive.output)")
            #expect(await eventually { handled.withLock { $0 } == 1 })
            let after = try await kinexus("dlq", "list", "--group", group)
            #expect(jsonLines(after.output).isEmpty)
        }
    }

    @Test func replayRunsOneGroupsHandlersAgainAndNoOtherGroups() async throws {
        let replayed = Recorder(), bystander = Recorder()
        let target = TestEnvironment.unique("replayed"), other = TestEnvironment.unique("bystander")
        func consumer(_ group: String, _ recorder: Recorder) throws -> EventConsumer {
            let subscription = try Subscription(pattern: harness.pattern) { envelope, context in
                recorder.record(envelope, context, consumer: group)
            }
            return try EventConsumer(redis: harness.redis, configuration: harness.configuration(group: group),
                                     subscriptions: [subscription])
        }
        let events = [harness.envelope(), harness.envelope(), harness.envelope()]
        try await withConsumers([try consumer(target, replayed), try consumer(other, bystander)]) {
            _ = try await harness.publisher.publish(events.map { .init(envelope: $0) })
            #expect(await eventually { replayed.count == 3 && bystander.count == 3 })
            let replay = try await kinexus("replay", "--group", target, "--topic", harness.topic.streamKey, "--from=-5m")
            #expect(replay.status == 0, "\(replay.output)")
            #expect(jsonLines(replay.output).first?["replayed"] == 3)
            #expect(await eventually { replayed.count == 6 })
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(bystander.count == 3)
        let unknown = try await kinexus("replay", "--group", "no-such-group", "--topic", harness.topic.streamKey, "--from=-5m")
        #expect(unknown.status == 1)
        #expect(unknown.output.contains("does not read"))
    }

    /// One chain: an event retried once by one group, dead-lettered by another, not yet read by a third,
    /// and the event the first group published from it, which no group reads.
    @Test func traceShowsEveryEntryOfAChainWithWhatEachGroupDid() async throws {
        let retried = TestEnvironment.unique("retried"), doomed = TestEnvironment.unique("doomed"), idle = TestEnvironment.unique("idle")
        let followUp = Topic(source: harness.source, detailType: "DocumentGenerated")
        let publisher = harness.publisher
        let retriedOnce = try Subscription(pattern: harness.pattern) { envelope, context in
            guard context.attempt > 1 else { throw Flaky() }
            let next = EventEnvelope(id: "follow-up-of-" + envelope.id, detailType: followUp.detailType, source: followUp.source,
                                     account: "000000000000", region: "local", detail: .object([:]))
            _ = try await publisher.publish([.init(envelope: next, correlationID: context.correlationID)])
        }
        let alwaysFails = try Subscription(pattern: harness.pattern) { _, _ in throw Flaky() }
        let consumers = [
            try EventConsumer(redis: harness.redis, configuration: harness.configuration(group: retried), subscriptions: [retriedOnce]),
            try EventConsumer(redis: harness.redis, configuration: harness.configuration(group: doomed), subscriptions: [alwaysFails]),
        ]
        _ = try await harness.redis.send("XGROUP", "CREATE", harness.topic.streamKey, idle, "$", "MKSTREAM")
        let event = harness.envelope()
        let correlationID = TestEnvironment.unique("chain")
        try await withConsumers(consumers) {
            _ = try await publisher.publish([.init(envelope: event, correlationID: correlationID)])
            #expect(try await eventually { try await !DeadLetters(redis: harness.redis, group: doomed).list().isEmpty })
            #expect(try await eventually { try await harness.redis.send("XLEN", followUp.streamKey).integer == 1 })
            #expect(try await eventually { try await harness.pendingCount(group: retried) == 0 })
        }

        let byEvent = try await kinexus("trace", event.id, "--json")
        #expect(byEvent.status == 0, "\(byEvent.output)")
        let steps = jsonLines(byEvent.output)
        #expect(steps.map { $0["event_id"]?.stringValue } == [event.id, "follow-up-of-" + event.id])
        #expect(steps.allSatisfy { $0["correlation_id"]?.stringValue == correlationID })
        let groups = steps.first?["groups"]?.arrayValue ?? []
        func outcome(_ group: String) -> JSONValue? { groups.first { $0["group"]?.stringValue == group } }
        #expect(outcome(retried)?["status"] == "handled")
        #expect(outcome(retried)?["attempts"] == 2)
        #expect(outcome(doomed)?["status"] == "dead_lettered")
        #expect(outcome(doomed)?["attempts"] == 3)
        #expect(outcome(doomed)?["error_code"] == "flaky_dependency")
        #expect(outcome(idle)?["status"] == "waiting")
        #expect(steps.last?["groups"]?.arrayValue?.isEmpty == true)

        let byCorrelation = try await kinexus("trace", correlationID)
        #expect(byCorrelation.status == 0)
        #expect(byCorrelation.output.contains("\(retried): handled (2 attempts)"), "\(byCorrelation.output)")
        #expect(byCorrelation.output.contains("\(doomed): dead_lettered (3 attempts: flaky_dependency)"), "\(byCorrelation.output)")
        #expect(byCorrelation.output.contains("(no group reads it)"), "\(byCorrelation.output)")

        let unknown = try await kinexus("trace", "no-such-event-\(UUID())")
        #expect(unknown.status == 1)
        #expect(unknown.output.contains("no stream holds an event"), "\(unknown.output)")
    }
}
