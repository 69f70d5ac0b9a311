import Foundation

/// Where and how to connect, from a `redis://[user:password@]host:port[/db]` URL.
public struct RedisConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var database: Int
    /// Upper bound for one round trip; a blocking read's `BLOCK` must stay well below it.
    public var commandTimeout: Duration
    public var connectTimeout: Duration
    /// Connection attempts before a command gives up, with exponential backoff between them.
    public var connectAttempts: Int
    /// How long a command Redis refused unrun — busy with a long script, or loading its data at start — is tried
    /// again before its refusal is answered.
    public var busyPatience: Duration
    /// Threads that run hiredis's blocking calls, and so the most commands in flight at once. A subscription's
    /// blocking read has a connection of its own.
    public var maxConnections: Int

    public static let defaultURL = "redis://127.0.0.1:6379/0"

    public init(
        host: String = "127.0.0.1", port: Int = 6379, username: String? = nil, password: String? = nil,
        database: Int = 0, commandTimeout: Duration = .seconds(10), connectTimeout: Duration = .seconds(2),
        connectAttempts: Int = 5, busyPatience: Duration = .seconds(60), maxConnections: Int = 16
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.commandTimeout = commandTimeout
        self.connectTimeout = connectTimeout
        self.connectAttempts = connectAttempts
        self.busyPatience = busyPatience
        self.maxConnections = maxConnections
    }

    public init(url: String) throws {
        guard let components = URLComponents(string: url) else {
            throw RedisError.invalidURL(url, reason: "not a URL")
        }
        guard components.scheme == "redis" else {
            throw RedisError.invalidURL(url, reason: "the scheme must be redis://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw RedisError.invalidURL(url, reason: "no host")
        }
        self.init(host: host, port: components.port ?? 6379)
        if let user = components.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty {
            username = user
        }
        password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if !path.isEmpty {
            guard let database = Int(path), database >= 0 else {
                throw RedisError.invalidURL(url, reason: "the path must be a database number, not '\(path)'")
            }
            self.database = database
        }
    }

    /// The URL without its password, for logs.
    public var redactedURL: String {
        let credentials = username.map { "\($0):***@" } ?? (password == nil ? "" : ":***@")
        return "redis://\(credentials)\(host):\(port)/\(database)"
    }
}
