import Foundation
@testable import KinexusRedis
import KinexusTestSupport
import Testing

/// A Redis busy with a long script answers `BUSY` without running anything: the client waits for it. This runs a
/// Redis of its own (the one `deploy/local.sh test` installed), which answers `BUSY` after 100 ms of a script
/// rather than 5 s, so the shared one is never held up.
struct BusyRedisTests {
    @Test func aCommandRedisRefusesWhileBusyIsSentAgainOnceItIsFree() async throws {
        let port = freePort()
        let server = try ChildProcess(
            executableURL: URL(fileURLWithPath: "/usr/bin/redis-server"),
            arguments: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--lua-time-limit", "100"])
        try server.start()
        defer { server.signal(SIGTERM) }
        let impatient = RedisClient(configuration: RedisConfiguration(port: port, busyPatience: .zero))
        let patient = RedisClient(configuration: RedisConfiguration(port: port))
        // Its first connection is made while Redis is busy: the `SELECT` that opens it is refused too.
        let connectingWhileBusy = RedisClient(configuration: RedisConfiguration(port: port, database: 1))
        #expect(try await eventually { (try? await impatient.send("PING")) == .status("PONG") })

        // A script that spins for three seconds by Redis's clock.
        let spin = """
            local t = redis.call('TIME'); local start = t[1] * 1000000 + t[2]
            repeat local n = redis.call('TIME') until n[1] * 1000000 + n[2] - start > 3000000
            return 1
            """
        let script = Task { try await impatient.send("EVAL", spin, "0") }
        // Redis is busy once a command sent meanwhile comes back refused.
        let refused = try await eventually(every: .milliseconds(10)) { () -> String? in
            do {
                try await impatient.send("SET", "probe", "x")
                return nil
            } catch RedisError.server(_, let message) where message.hasPrefix("BUSY ") {
                return message
            }
        }
        #expect(refused != nil, "the impatient client sees BUSY as it always did")
        async let connected = connectingWhileBusy.send("SET", "connected-while-busy", "yes")
        #expect(try await patient.send("SET", "written-while-busy", "yes") == .status("OK"), "the patient one waits it out")
        #expect(try await connected == .status("OK"))
        #expect(try await script.value == .integer(1))
        #expect(try await patient.send("GET", "written-while-busy") == .bulk(Array("yes".utf8)))
        await impatient.shutdown()
        await patient.shutdown()
        await connectingWhileBusy.shutdown()
    }

    @Test func onlyRefusalsOfEveryCommandAreWaitedFor() {
        #expect(RedisClient.refusedUnrun([.error("BUSY Redis is busy running a script."), .error("LOADING Redis is loading the dataset")]))
        #expect(!RedisClient.refusedUnrun([.error("BUSY Redis is busy running a script."), .status("OK")]), "one ran: not sent again")
        #expect(!RedisClient.refusedUnrun([.error("BUSYGROUP Consumer Group name already exists")]))
        #expect(!RedisClient.refusedUnrun([]))
    }
}
