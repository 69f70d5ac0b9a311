import Foundation

/// How one service uses the bus. Every value has a default that works on one machine; the service kit
/// fills them from `KINEXUS_*` variables.
public struct BusConfiguration: Sendable {
    /// The consumer group: the service's name, shared by all its replicas.
    public var group: String
    /// This replica's consumer name, distinct per process.
    public var consumer: String
    public var account: String
    public var region: String
    /// Deliveries before an event goes to the dead-letter stream.
    public var maxAttempts: Int
    /// How long an entry may go without a lease extension before another consumer may claim it.
    public var visibilityTimeout: Duration
    /// The first retry's delay; each further attempt doubles it, up to the visibility timeout.
    public var retryBaseDelay: Duration
    /// How long an event published with its own id (a fact a retry upstream may repeat) stops a repeat of
    /// that id on its stream.
    public var deduplicationWindow: Duration
    /// How long an entry every group has acknowledged stays on its stream, for `kinexus replay`.
    public var streamRetention: Duration
    /// The length past which a stream is cut even of entries not yet acknowledged: a last resort, logged at error.
    public var streamMaxLength: Int
    /// How long one XREADGROUP waits for new entries; short, so shutdown is prompt.
    public var readBlock: Duration
    /// A consumer idle this long with nothing pending is removed from its group.
    public var consumerExpiry: Duration
    /// How long in-flight handlers may run on after shutdown begins before they are cancelled.
    public var shutdownGracePeriod: Duration
    /// Where a new group starts on a stream: `$`, its end (a service sees what is published from its start on),
    /// or an entry id such as `<milliseconds>-0` (a user's rule sees what was published since it was created).
    public var groupStart = "$"

    public init(
        group: String, consumer: String = BusConfiguration.defaultConsumerName(), account: String = "000000000000",
        region: String = "local", maxAttempts: Int = 5, visibilityTimeout: Duration = .seconds(30),
        retryBaseDelay: Duration = .seconds(1), deduplicationWindow: Duration = .seconds(24 * 3600),
        streamRetention: Duration = .seconds(7 * 86_400), streamMaxLength: Int = 1_000_000,
        readBlock: Duration = .milliseconds(500), consumerExpiry: Duration = .seconds(3600), shutdownGracePeriod: Duration = .seconds(20)
    ) {
        self.group = group
        self.consumer = consumer
        self.account = account
        self.region = region
        self.maxAttempts = maxAttempts
        self.visibilityTimeout = visibilityTimeout
        self.retryBaseDelay = retryBaseDelay
        self.deduplicationWindow = deduplicationWindow
        self.streamRetention = streamRetention
        self.streamMaxLength = streamMaxLength
        self.readBlock = readBlock
        self.consumerExpiry = consumerExpiry
        self.shutdownGracePeriod = shutdownGracePeriod
    }

    /// `host-pid`: unique per replica, and recognisable in `kinexus streams`.
    public static func defaultConsumerName() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    public var retryPolicy: RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts, baseDelay: retryBaseDelay, maxDelay: visibilityTimeout)
    }

    public var deadLetterStream: String { DeadLetters.streamKey(group: group) }
}
