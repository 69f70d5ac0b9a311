import KinexusRedis
import KinexusTestSupport
import Testing

struct RedisClientTests {
    @Test func pipelinesManyCommandsAndKeepsErrorRepliesInPlace() async throws {
        let redis = try TestEnvironment.redisClient()
        let key = TestEnvironment.unique("pipeline")
        let replies = try await redis.pipeline([
            RedisCommand("SET", key, "1"),
            RedisCommand("INCR", key),
            RedisCommand("HGET", key, "field"),
            RedisCommand("GET", key),
        ])
        #expect(replies[0] == .status("OK"))
        #expect(replies[1] == .integer(2))
        guard case .error(let message) = replies[2] else { Issue.record("expected an error reply"); return }
        #expect(message.hasPrefix("WRONGTYPE"))
        #expect(replies[3].string == "2")
        await redis.shutdown()
    }

    @Test func argumentsAreBinarySafe() async throws {
        let redis = try TestEnvironment.redisClient()
        let key = TestEnvironment.unique("binary")
        let bytes: [UInt8] = [0, 255, 13, 10, 32, 0, 42]
        var set = RedisCommand("SET", key)
        set.append(bytes: bytes)
        try await redis.send(set)
        #expect(try await redis.send("GET", key) == .bulk(bytes))
        await redis.shutdown()
    }

    @Test func errorRepliesThrowWithTheCommandName() async throws {
        let redis = try TestEnvironment.redisClient()
        await #expect(throws: RedisError.server(command: "NOSUCHCOMMAND", message: "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: ")) {
            try await redis.send("NOSUCHCOMMAND")
        }
        await redis.shutdown()
    }

    @Test func authenticatesAndSelectsTheDatabaseOfTheURL() async throws {
        let admin = try TestEnvironment.redisClient()
        let user = TestEnvironment.unique("user"), key = TestEnvironment.unique("selected")
        try await admin.send("ACL", "SETUSER", user, "on", ">s3cret:/@", "~*", "+@all")
        let base = try RedisConfiguration(url: try TestEnvironment.redisURL())
        let client = try RedisClient(url: "redis://\(user):s3cret%3A%2F%40@\(base.host):\(base.port)/3")
        try await client.send("SET", key, "in-db-3")
        let database3 = try RedisClient(url: "redis://\(base.host):\(base.port)/3")
        #expect(try await database3.send("GET", key).string == "in-db-3")
        #expect(try await admin.send("EXISTS", key) == .integer(0))

        let wrong = try RedisClient(url: "redis://\(user):wrong@\(base.host):\(base.port)/0")
        await #expect(throws: RedisError.self) { try await wrong.send("PING") }
        try await admin.send("ACL", "DELUSER", user)
        for client in [admin, client, database3, wrong] { await client.shutdown() }
    }

    @Test func reconnectsAfterTheServerDropsTheConnection() async throws {
        let redis = try TestEnvironment.redisClient()
        let admin = try TestEnvironment.redisClient()
        let name = TestEnvironment.unique("victim")
        try await redis.send("CLIENT", "SETNAME", name)
        try await admin.send("CLIENT", "KILL", "SKIPME", "yes", "TYPE", "normal", "USER", "default", "ID",
                             String(try await redis.send("CLIENT", "ID").integer!))
        // The first command on the dead connection fails and drops it; the next one connects anew.
        _ = try? await redis.send("PING")
        #expect(try await redis.send("PING") == .status("PONG"))
        await redis.shutdown()
        await admin.shutdown()
    }

    @Test func connectionRefusedFailsAfterTheConfiguredAttempts() async throws {
        let redis = RedisClient(configuration: RedisConfiguration(port: 1, connectAttempts: 2))
        await #expect(throws: RedisError.self) { try await redis.send("PING") }
        await redis.shutdown()
    }

    @Test(arguments: [
        ("redis://127.0.0.1:6379/0", "127.0.0.1", 6379, nil as String?, nil as String?, 0),
        ("redis://:pw@cache:7000/2", "cache", 7000, nil, "pw", 2),
        ("redis://app:p%40ss@cache", "cache", 6379, "app", "p@ss", 0),
    ])
    func parsesRedisURLs(url: String, host: String, port: Int, user: String?, password: String?, database: Int) throws {
        let configuration = try RedisConfiguration(url: url)
        #expect(configuration.host == host)
        #expect(configuration.port == port)
        #expect(configuration.username == user)
        #expect(configuration.password == password)
        #expect(configuration.database == database)
        #expect(!configuration.redactedURL.contains("p@ss"))
    }

    @Test(arguments: ["http://host:6379", "redis://", "redis://host:6379/db", "not a url at all"])
    func refusesBadRedisURLs(url: String) {
        #expect(throws: RedisError.self) { try RedisConfiguration(url: url) }
    }
}
