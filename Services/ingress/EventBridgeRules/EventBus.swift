/// Kinexus's one bus as EventBridge names it: `default`, in this deployment's account and region.
public struct EventBus: Sendable, Equatable {
    public static let name = "default"

    public let account: String
    public let region: String

    public init(account: String, region: String) {
        self.account = account
        self.region = region
    }

    public var arn: String { "arn:aws:events:\(region):\(account):event-bus/\(Self.name)" }

    /// Whether `EventBusName` (a name or an ARN, as EventBridge takes either) names this bus; absent names it.
    public func isNamed(_ nameOrARN: String?) -> Bool {
        guard let nameOrARN, !nameOrARN.isEmpty else { return true }
        return nameOrARN == Self.name || nameOrARN == arn
    }
}
