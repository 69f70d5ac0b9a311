import KinexusRedis

/// The Lua scripts that make claiming and extending a delivery atomic on the Redis side.
enum DeliveryScripts {
    /// Claims an event id for one delivery. The marker holds `done` once handled, or the token of the
    /// delivery working on it. Answers `acquired`, `done`, or `busy` when another delivery holds it.
    static let acquire = """
        local current = redis.call('GET', KEYS[1])
        if not current or current == ARGV[1] then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 'acquired'
        end
        if current == 'done' then return 'done' end
        return 'busy'
        """

    /// Gives up a claim after a failure, so the retry (by any consumer) can take it.
    static let release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 1
        """

    /// Resets the entry's idle time and the marker's expiry, but only while this consumer still owns the
    /// entry: a lease that was already lost is never stolen back. Answers 1 when extended, 0 when lost.
    /// KEYS: stream, marker. ARGV: group, consumer, entry id, token, marker ttl ms.
    static let extendLease = """
        local owned = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
        if #owned == 0 then return 0 end
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
        if ARGV[4] ~= '' and redis.call('GET', KEYS[2]) == ARGV[4] then
          redis.call('PEXPIRE', KEYS[2], ARGV[5])
        end
        return 1
        """

    static func command(_ script: String, keys: [String], arguments: [String]) -> RedisCommand {
        RedisCommand(["EVAL", script, String(keys.count)] + keys + arguments)
    }

    static func markerKey(group: String, eventID: String) -> String {
        "kinexus:done:\(group):\(eventID)"
    }
}
