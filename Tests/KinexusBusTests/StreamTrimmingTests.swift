import Foundation
import KinexusBus
import KinexusRedis
import KinexusTestSupport
import Logging
import Testing

/// A stream keeps what any group has yet to handle: a stopped group's backlog survives trimming, and only
/// the length cap — counted and logged — ever cuts into it.
struct StreamTrimmingTests {
    let harness: BusHarness
    var stream: String { harness.topic.streamKey }

    init() throws {
        harness = try BusHarness()
    }

    func trimmer(retention: Duration = .zero, maxLength: Int = 1_000_000) -> StreamTrimmer {
        var configuration = harness.configuration(group: "unused")
        configuration.streamRetention = retention
        configuration.streamMaxLength = maxLength
        return StreamTrimmer(redis: harness.redis, configuration: configuration, streams: { [] }, logger: Logger(label: "test"))
    }

    /// One round of trimming: the lock of the last round taken away first, so that each call trims.
    func trim(retention: Duration = .zero, maxLength: Int = 1_000_000, now: Date? = nil) async throws -> StreamTrimmer.Outcome? {
        try await harness.redis.send("DEL", "kinexus:trim:\(stream)")
        return try await trimmer(retention: retention, maxLength: maxLength).trim(stream, now: now ?? later)
    }

    /// A second past now: every entry added so far is older than a retention of zero.
    var later: Date { Date().addingTimeInterval(1) }

    func createGroup(_ group: String) async throws {
        _ = try await harness.redis.send("XGROUP", "CREATE", stream, group, "$", "MKSTREAM")
    }

    /// Reads `count` entries for `group`; acknowledges them when `acknowledge` says so.
    func read(_ count: Int, group: String, acknowledge: Bool) async throws {
        let reply = try await harness.redis.send("XREADGROUP", "GROUP", group, "c", "COUNT", String(count), "STREAMS", stream, ">")
        let ids = StreamEntry.parseRead(reply).map(\.id)
        #expect(ids.count == count)
        if acknowledge { _ = try await harness.redis.send(RedisCommand(["XACK", stream, group] + ids)) }
    }

    func length() async throws -> Int64 {
        try await harness.redis.send("XLEN", stream).integer ?? -1
    }

    @Test func aStoppedGroupKeepsWhatItHasNotAcknowledged() async throws {
        try await createGroup("running")
        try await createGroup("stopped")
        try await harness.publish(harness.envelope(), harness.envelope(), harness.envelope(), harness.envelope(),
                                  harness.envelope(), harness.envelope(), harness.envelope(), harness.envelope())
        try await read(8, group: "running", acknowledge: true)
        #expect(try await trim() == .init(trimmed: 0, droppedUnread: 0))
        #expect(try await length() == 8)

        try await read(3, group: "stopped", acknowledge: true)
        try await read(2, group: "stopped", acknowledge: false)
        #expect(try await trim() == .init(trimmed: 3, droppedUnread: 0),
                "what every group acknowledged goes; the pending and the unread stay")
        #expect(try await length() == 5)
    }

    @Test func acknowledgedEntriesStayForTheRetentionPeriod() async throws {
        try await createGroup("running")
        try await harness.publish(harness.envelope(), harness.envelope())
        try await read(2, group: "running", acknowledge: true)
        #expect(try await trim(retention: .seconds(3600)) == .init(trimmed: 0, droppedUnread: 0))
        #expect(try await trim(retention: .seconds(3600), now: later.addingTimeInterval(3600))
                    == .init(trimmed: 2, droppedUnread: 0))
    }

    @Test func theLengthCapDropsAcknowledgedEntriesFirstAndCountsTheUnread() async throws {
        try await createGroup("stopped")
        try await harness.publish(harness.envelope(), harness.envelope(), harness.envelope(), harness.envelope(),
                                  harness.envelope(), harness.envelope())
        try await read(2, group: "stopped", acknowledge: true)
        let outcome = try await trim(retention: .seconds(3600), maxLength: 3)
        #expect(outcome == .init(trimmed: 2, droppedUnread: 1))
        #expect(try await length() == 3)
    }

    @Test func aStreamNoGroupReadsKeepsItsRetentionAndItsCap() async throws {
        try await harness.publish(harness.envelope(), harness.envelope(), harness.envelope())
        #expect(try await trim(retention: .seconds(3600), maxLength: 2)
                    == .init(trimmed: 1, droppedUnread: 0))
        #expect(try await trim() == .init(trimmed: 2, droppedUnread: 0))
    }

    @Test func oneReplicaTrimsAStreamPerInterval() async throws {
        try await harness.publish(harness.envelope())
        let first = trimmer(), second = trimmer()
        #expect(try await first.trim(stream, now: later) != nil)
        #expect(try await second.trim(stream, now: later) == nil)
    }
}
