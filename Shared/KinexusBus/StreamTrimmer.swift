import Foundation
import KinexusRedis
import Logging
import Metrics
import ServiceLifecycle

/// Keeps topic streams from growing without dropping what a group has yet to handle. An entry goes once
/// every group has acknowledged it and it is older than the retention period (kept that long so `kinexus
/// replay` can go back to it). The length cap is the last resort: past it, acknowledged entries go first
/// however young, then unread ones, which are counted in `kinexus_stream_unread_dropped_total` and logged
/// at error. Every replica runs one; a lock per stream lets one of them trim it per interval.
public struct StreamTrimmer: Service {
    public struct Outcome: Sendable, Equatable {
        /// Entries every group had acknowledged.
        public var trimmed: Int
        /// Entries some group had not acknowledged, dropped by the length cap.
        public var droppedUnread: Int

        public init(trimmed: Int, droppedUnread: Int) {
            self.trimmed = trimmed
            self.droppedUnread = droppedUnread
        }
    }

    /// How often each stream is trimmed, by one replica or another.
    let interval = Duration.seconds(60)
    let redis: RedisClient
    let retention: Duration
    let maxLength: Int
    let streams: @Sendable () -> Set<String>
    let logger: Logger

    /// `streams` answers, at each round, the streams to look after: those this process reads and publishes to.
    public init(redis: RedisClient, configuration: BusConfiguration, streams: @escaping @Sendable () -> Set<String>,
                logger: Logger) {
        self.redis = redis
        retention = configuration.streamRetention
        maxLength = configuration.streamMaxLength
        self.streams = streams
        self.logger = logger
    }

    public func run() async throws {
        // Trimming is one atomic script per stream: a round cut short by shutdown leaves nothing half done.
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: interval)
                for stream in streams().sorted() {
                    do {
                        _ = try await trim(stream)
                    } catch is CancellationError {
                        return
                    } catch {
                        logger.warning("could not trim a stream; it is tried again next round",
                                       metadata: ["stream": "\(stream)", "error": "\(error)"])
                    }
                }
            }
        }
    }

    /// Trims `stream` now, unless another replica did within the interval (nil then).
    public func trim(_ stream: String, now: Date = Date()) async throws -> Outcome? {
        let cutoff = max(now.millisecondsSince1970 - retention.milliseconds, 0)
        let reply = try await redis.send(DeliveryScripts.command(Self.script, keys: [stream, "kinexus:trim:\(stream)"], arguments: [
            String(cutoff), String(maxLength), String(max(interval.milliseconds, 1)),
        ]))
        if case .error(let message) = reply { throw RedisError.server(command: "EVAL", message: message) }
        if reply.integer == -1 { return nil }
        guard case .array(let counts) = reply, counts.count == 2, let trimmed = counts[0].integer,
              let dropped = counts[1].integer
        else { throw RedisError.unexpectedReply(command: "EVAL", reply: "\(reply)") }
        let outcome = Outcome(trimmed: Int(clamping: trimmed), droppedUnread: Int(clamping: dropped))
        if dropped > 0 {
            Counter(label: "kinexus_stream_unread_dropped_total", dimensions: [("stream", stream)]).increment(by: outcome.droppedUnread)
            logger.error("the stream reached KINEXUS_STREAM_MAXLEN: entries a group had not handled were dropped", metadata: [
                "stream": "\(stream)", "dropped": "\(dropped)", "max_length": "\(maxLength)",
            ])
        }
        return outcome
    }

    /// KEYS: stream, lock. ARGV: retention cutoff (ms since the epoch), length cap, lock lifetime (ms).
    /// Answers -1 when locked, else {acknowledged entries trimmed, unread entries dropped}. The first entry
    /// some group has not acknowledged is the oldest it has pending, else the one after its last delivered.
    static let script = """
        if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[3]) then return -1 end
        if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0} end
        local function parse(id)
          local ms, seq = string.match(id, '^(%d+)%-(%d+)$')
          return tonumber(ms), tonumber(seq)
        end
        local function below(a, b)
          local am, as = parse(a)
          local bm, bs = parse(b)
          return am < bm or (am == bm and as < bs)
        end
        local unread = nil
        for _, fields in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
          local group = {}
          for i = 1, #fields, 2 do group[fields[i]] = fields[i + 1] end
          local first
          if group['pending'] > 0 then
            first = redis.call('XPENDING', KEYS[1], group['name'])[2]
          else
            local ms, seq = parse(group['last-delivered-id'])
            first = string.format('%.0f-%.0f', ms, seq + 1)
          end
          if unread == nil or below(first, unread) then unread = first end
        end
        local threshold = ARGV[1] .. '-0'
        if unread ~= nil and below(unread, threshold) then threshold = unread end
        local trimmed = redis.call('XTRIM', KEYS[1], 'MINID', threshold)
        local dropped = 0
        if redis.call('XLEN', KEYS[1]) > tonumber(ARGV[2]) then
          if unread == nil then
            trimmed = trimmed + redis.call('XTRIM', KEYS[1], 'MAXLEN', ARGV[2])
          else
            trimmed = trimmed + redis.call('XTRIM', KEYS[1], 'MINID', unread)
            dropped = redis.call('XTRIM', KEYS[1], 'MAXLEN', ARGV[2])
          end
        end
        return {trimmed, dropped}
        """
}
