import Foundation
import KinexusRedis

/// The Redis and Postgres that `deploy/local.sh test` starts. Without them every integration test fails,
/// naming the command to run: a suite that silently skips would pass without testing anything.
public enum TestEnvironment {
    public struct MissingServer: Error, CustomStringConvertible {
        public let variable: String
        public var description: String {
            "\(variable) is not set: run the integration tests through `deploy/local.sh test`, which starts Redis and Postgres"
        }
    }

    public static func redisURL() throws -> String {
        try variable("KINEXUS_TEST_REDIS_URL")
    }

    /// The same Redis, another database: processes there see none of the other tests' events. In use: 1 the
    /// end-to-end services, 2 the Jira and Confluence pipeline, 3 the console, 4 the review API, 5 and 8 codegen,
    /// 6 the task API, 7 the end-to-end code generation, 9 kb-sync, 10 customer-context, 11 documentation to
    /// knowledge to tickets, 12 the ingress at its edges, 13 concurrent changes to one document, 14 a shutdown
    /// during a lock wait, 15 the console's feed (and, after the suite, the browser tests).
    public static func redisURL(database: Int) throws -> String {
        let configuration = try RedisConfiguration(url: try redisURL())
        let credentials = configuration.password.map { "\(configuration.username ?? ""):\($0)@" } ?? ""
        return "redis://\(credentials)\(configuration.host):\(configuration.port)/\(database)"
    }

    public static func postgresURL() throws -> String {
        try variable("KINEXUS_TEST_POSTGRES_URL")
    }

    /// The same Postgres, another database `deploy/local.sh test` creates: for tests whose tables others empty.
    public static func postgresURL(database: String) throws -> String {
        guard var parts = URLComponents(string: try postgresURL()) else { throw MissingServer(variable: "KINEXUS_TEST_POSTGRES_URL") }
        parts.path = "/" + database
        return parts.string ?? ""
    }

    public static func redisClient() throws -> RedisClient {
        try RedisClient(url: try redisURL())
    }

    /// A name no other test uses, so tests sharing one Redis never see each other's streams and groups.
    public static func unique(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// The directory of the built executables (`.build/debug`), beside the test bundle.
    public static var binaryDirectory: URL {
        let bundle = Bundle.main.bundleURL
        return bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle
    }

    private static func variable(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw MissingServer(variable: name)
        }
        return value
    }
}

/// Polls `condition` until it holds or `timeout` passes; answers whether it held. The default bound only
/// caps a failure: the whole suite beside stress-ng and an image build has stalled this process for 35–40 s.
public func eventually(
    timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}

/// Polls `produce` until it answers a value or `timeout` passes; answers the value, nil when none came.
public func eventually<Value>(
    timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(20),
    _ produce: () async throws -> Value?
) async rethrows -> Value? {
    var value: Value?
    _ = try await eventually(timeout: timeout, every: interval) {
        value = try await produce()
        return value != nil
    }
    return value
}
