import EventBridgeRules
import KinexusJSON

extension EventBridgeAPI {
    /// `DescribeEventBus`: the one bus, by its name or ARN (absent names it).
    func describeEventBus(_ input: JSONValue) throws(AWSRefusal) -> JSONValue {
        let name = input["Name"]?.stringValue
        guard bus.isNamed(name) else { throw .notFound("Event bus \(name ?? "") does not exist.") }
        return busDescription
    }

    /// `ListEventBuses`: the one bus, when its name starts with `NamePrefix`.
    func listEventBuses(_ input: JSONValue) -> JSONValue {
        let prefix = input["NamePrefix"]?.stringValue ?? ""
        return .object(["EventBuses": .array(EventBus.name.hasPrefix(prefix) ? [busDescription] : [])])
    }

    private var busDescription: JSONValue {
        .object([
            "Name": .string(EventBus.name), "Arn": .string(bus.arn),
            "Description": .string("Kinexus's bus: one Redis stream per source and detail-type"),
        ])
    }
}
