public enum RedisError: Error, Equatable, CustomStringConvertible {
    /// The URL in `KINEXUS_REDIS_URL` cannot be used.
    case invalidURL(String, reason: String)
    /// Could not connect (after the configured attempts) or the connection broke mid-command.
    case connection(String)
    /// Redis answered with an error reply.
    case server(command: String, message: String)
    /// Redis answered with a reply of a shape the caller did not expect.
    case unexpectedReply(command: String, reply: String)
    case shutDown

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason): "invalid Redis URL '\(url)': \(reason)"
        case .connection(let message): "Redis connection failed: \(message)"
        case .server(let command, let message): "Redis \(command) failed: \(message)"
        case .unexpectedReply(let command, let reply): "Redis \(command) gave an unexpected reply: \(reply)"
        case .shutDown: "the Redis client has been shut down"
        }
    }

    /// Whether Redis refused a command without running it: busy with a long script, or still loading its data.
    /// Such a command can be sent again; `BUSYGROUP` is an answer, not a refusal.
    static func isBusyRefusal(_ message: String) -> Bool {
        message.hasPrefix("BUSY ") || message.hasPrefix("LOADING ")
    }
}
