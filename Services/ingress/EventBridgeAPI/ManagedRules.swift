import EventBridgeRules
import KinexusBus
import KinexusJSON

/// Every service's subscriptions as read-only rules, `kinexus.<group>.<n>`, managed by Kinexus.
struct ManagedRule: Sendable {
    static let prefix = "kinexus."

    let group: String
    let name: String
    let pattern: JSONValue

    static func all(_ registered: [String: [JSONValue]]) -> [ManagedRule] {
        registered.sorted { $0.key < $1.key }.flatMap { group, patterns in
            patterns.enumerated().map { index, pattern in
                ManagedRule(group: group, name: "\(prefix)\(group).\(index + 1)", pattern: pattern)
            }
        }
    }

    func description(on bus: EventBus) -> JSONValue {
        .object([
            "Name": .string(name), "Arn": .string(bus.ruleARN(name)), "EventPattern": .string(pattern.jsonText), "State": "ENABLED",
            "Description": .string("The subscription of Kinexus's \(group) service: its consumer group reads these events."),
            "EventBusName": .string(EventBus.name), "ManagedBy": "kinexus", "CreatedBy": .string(bus.account),
        ])
    }

    func target(on bus: EventBus) -> JSONValue {
        ["Id": .string(group), "Arn": .string("arn:kinexus:\(bus.region):\(bus.account):service/\(group)")]
    }
}
