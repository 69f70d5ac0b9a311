import KinexusRedis

/// The Lua scripts that make claiming and extending a delivery atomic on the Redis side.
enum DeliveryScripts {
    /// Gives up a claim after a failure, so the retry (by any consumer) can take it.
    static let release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 1
        """

    /// Resets the entry's idle time and the marker's expiry, but only while this consumer still owns the
    /// entry: a lease that was already lost is never stolen back. Answers 1 when extended, 0 when lost to
    /// another consumer, 2 when the entry is acked (its ack written while this ran: nothing is lost).
    /// KEYS: stream, marker. ARGV: group, consumer, entry id, token, marker ttl ms.
    static let extendLease = """
        local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if #pending == 0 then return 2 end
        if pending[1][2] ~= ARGV[2] then return 0 end
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
        if ARGV[4] ~= '' and redis.call('GET', KEYS[2]) == ARGV[4] then
          redis.call('PEXPIRE', KEYS[2], ARGV[5])
        end
        return 1
        """

    /// Acks entries and ends their deliveries' markers in one step: a marker outlives its ack never, and
    /// goes only with it, so an entry handled here is neither left unacked nor run again for want of one.
    /// A key of another type where a marker belongs is no marker of ours (`pcall`): the acks still land.
    /// KEYS: stream, then the markers. ARGV: group, the number of entry ids, the ids, then each marker's token.
    static let complete = """
        local count = tonumber(ARGV[2])
        if count > 0 then redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 3, 2 + count)) end
        for i = 2, #KEYS do
          if redis.pcall('GET', KEYS[i]) == ARGV[1 + count + i] then redis.call('DEL', KEYS[i]) end
        end
        return 1
        """

    static func command(_ script: String, keys: [String], arguments: [String]) -> RedisCommand {
        RedisCommand(["EVAL", script, String(keys.count)] + keys + arguments)
    }

    /// Held by the delivery of an event id that is running in a group, so no second delivery of that id
    /// runs beside it; removed with the ack.
    static func markerKey(group: String, eventID: String) -> String {
        "kinexus:running:\(group):\(eventID)"
    }
}
