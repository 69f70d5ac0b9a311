import CHiredis
import Foundation

/// One hiredis connection. Every method blocks: call them only from a thread of the client's own pool,
/// never from Swift's cooperative pool, and from one thread at a time. It is `Sendable` only so that the
/// client's idle list can hand it from one pool thread to the next: a connection has one borrower at a time.
final class RedisConnection: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>

    /// Whether hiredis has flagged the connection as broken; a broken connection is never reused.
    var isBroken: Bool { context.pointee.err != 0 }

    init(configuration: RedisConfiguration) throws {
        guard let context = redisConnectWithTimeout(
            configuration.host, Int32(configuration.port), timeval(configuration.connectTimeout)
        ) else {
            throw RedisError.connection("cannot allocate a hiredis context")
        }
        // From here on a throw still runs deinit, which frees the context.
        self.context = context
        if context.pointee.err != 0 {
            throw RedisError.connection("\(configuration.host):\(configuration.port): \(Self.errorString(context))")
        }
        redisSetTimeout(context, timeval(configuration.commandTimeout))
        redisEnableKeepAlive(context)
        try authenticateAndSelect(configuration)
    }

    deinit {
        redisFree(context)
    }

    private func authenticateAndSelect(_ configuration: RedisConfiguration) throws {
        var setup: [RedisCommand] = []
        if let password = configuration.password {
            setup.append(configuration.username.map { RedisCommand("AUTH", $0, password) }
                ?? RedisCommand("AUTH", password))
        }
        if configuration.database != 0 {
            setup.append(RedisCommand("SELECT", String(configuration.database)))
        }
        guard !setup.isEmpty else { return }
        for (command, reply) in zip(setup, try execute(setup)) {
            if case .error(let message) = reply {
                throw RedisError.server(command: command.name, message: message)
            }
        }
    }

    /// Sends every command in one write, then reads one reply per command.
    func execute(_ commands: [RedisCommand]) throws -> [RedisValue] {
        // The whole pipeline is encoded as RESP into one buffer that hiredis copies in one go.
        var resp: [UInt8] = []
        resp.reserveCapacity(commands.reduce(0) { $0 + $1.encodedSizeEstimate })
        for command in commands {
            command.encode(into: &resp)
        }
        let status = resp.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { redisAppendFormattedCommand(context, $0.baseAddress, $0.count) }
        }
        guard status == REDIS_OK else {
            throw RedisError.connection(Self.errorString(context))
        }
        var replies: [RedisValue] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
                throw RedisError.connection(Self.errorString(context))
            }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            replies.append(Self.decode(reply))
            freeReplyObject(reply)
        }
        return replies
    }

    private static func decode(_ reply: UnsafeMutablePointer<redisReply>) -> RedisValue {
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STRING:
            return .bulk(bytes(value))
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: bytes(value), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(value), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(value.integer)
        case REDIS_REPLY_ARRAY:
            guard let elements = value.element else { return .array([]) }
            return .array((0..<value.elements).map { index in
                elements[index].map(decode) ?? .null
            })
        default:
            return .null
        }
    }

    private static func bytes(_ reply: redisReply) -> [UInt8] {
        guard let str = reply.str, reply.len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: str, count: reply.len))
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return bytes.isEmpty ? "connection lost" : String(decoding: bytes, as: UTF8.self)
        }
    }
}

private func timeval(_ duration: Duration) -> Glibc.timeval {
    let (seconds, attoseconds) = duration.components
    return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
}
