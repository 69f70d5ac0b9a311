import EventBridgeRules
import Foundation

/// A user's rule as stored.
public struct RuleRecord: Sendable, Equatable {
    public let name: String
    public let description: String?
    public let eventPattern: String
    public let enabled: Bool
    public let createdAt: Date
}

/// A connection as stored, its secrets sealed or referred to.
public struct ConnectionRecord: Sendable, Equatable {
    public let name: String
    public let id: UUID
    public let description: String?
    public let definition: ConnectionDefinition
    public let createdAt: Date
    public let updatedAt: Date
}

/// An API destination as stored.
public struct DestinationRecord: Sendable, Equatable {
    public let name: String
    public let id: UUID
    public let description: String?
    public let connectionName: String
    public let endpoint: String
    public let method: String
    public let rateLimitPerSecond: Int?
    public let createdAt: Date
    public let updatedAt: Date
}

/// What the event-router delivers by: every enabled rule's targets with their destination and connection,
/// as of one revision.
public struct RoutingTable: Sendable {
    public struct Route: Sendable {
        public let rule: RuleRecord
        public let target: TargetDefinition
        /// Since when the target receives events: its creation, or its rule's last enabling if later.
        public let since: Date
        /// nil when the destination was deleted after the target was put: deliveries fail with why.
        public let destination: DestinationRecord?
        public let connection: ConnectionRecord?
    }

    public let revision: Int64
    public let routes: [Route]
}
