import EventBridgeRules
import EventPatterns
import KinexusBus
import KinexusJSON
import RuleQueries

/// PutRule, DescribeRule, ListRules, DeleteRule, EnableRule, DisableRule, PutTargets, RemoveTargets and
/// ListTargetsByRule: the rules users create beside the services' own (managed, read-only).
extension EventBridgeAPI {
    func putRule(_ input: JSONValue) async throws -> JSONValue {
        let name = try userRuleName(input["Name"])
        try checkBus(input["EventBusName"])
        if input["ScheduleExpression"]?.stringValue != nil {
            throw AWSRefusal.validation("Kinexus does not support ScheduleExpression rules: give an EventPattern.")
        }
        guard let patternText = input["EventPattern"]?.stringValue else {
            throw AWSRefusal.validation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
        }
        do {
            _ = try EventPattern(parsing: patternText)
        } catch {
            throw AWSRefusal.invalidPattern("Event pattern is not valid. Reason: \(error)")
        }
        let description = input["Description"]?.stringValue
        guard (description?.utf8.count ?? 0) <= 512 else { throw AWSRefusal.validation("Description is at most 512 characters.") }
        try await rules.putRule(name: name, description: description, pattern: patternText, enabled: try state(input["State"]))
        return ["RuleArn": .string(bus.ruleARN(name))]
    }

    func describeRule(_ input: JSONValue) async throws -> JSONValue {
        let name = try ResourceName.check(input["Name"], parameter: "name")
        try checkBus(input["EventBusName"])
        if let managed = try await managedRules().first(where: { $0.name == name }) { return managed.description(on: bus) }
        guard let rule = try await queries.rule(named: name) else { throw noRule(name) }
        return describe(rule)
    }

    func listRules(_ input: JSONValue) async throws -> JSONValue {
        try checkBus(input["EventBusName"])
        let prefix = input["NamePrefix"]?.stringValue ?? ""
        let limit = min(max(input["Limit"]?.intValue ?? 100, 1), 100)
        let after = input["NextToken"]?.stringValue ?? ""
        let managed = try await managedRules().filter { $0.name.hasPrefix(prefix) && $0.name > after }
            .map { (name: $0.name, json: $0.description(on: bus)) }
        let users = try await queries.rules(prefix: prefix, after: after, limit: limit + 1).map { (name: $0.name, json: describe($0)) }
        let listed = (managed + users).sorted { $0.name < $1.name }
        var output: [String: JSONValue] = ["Rules": .array(listed.prefix(limit).map(\.json))]
        if listed.count > limit, let last = listed.prefix(limit).last { output["NextToken"] = .string(last.name) }
        return .object(output)
    }

    func deleteRule(_ input: JSONValue) async throws -> JSONValue {
        let name = try userRuleName(input["Name"])
        try checkBus(input["EventBusName"])
        try await rules.deleteRule(name: name)
        return [:]
    }

    func setRuleState(_ input: JSONValue, enabled: Bool) async throws -> JSONValue {
        let name = try userRuleName(input["Name"])
        try checkBus(input["EventBusName"])
        try await rules.setEnabled(name: name, enabled: enabled)
        return [:]
    }

    func putTargets(_ input: JSONValue) async throws -> JSONValue {
        let rule = try userRuleName(input["Rule"])
        try checkBus(input["EventBusName"])
        guard let items = input["Targets"]?.arrayValue, (1...10).contains(items.count) else {
            throw AWSRefusal.validation("Targets must hold 1 to 10 targets.")
        }
        let targets = try items.map { try TargetDefinition(json: $0) }
        for target in targets where try await queries.destination(named: target.destinationName) == nil {
            throw AWSRefusal.validation("Target \(target.id): the api-destination \(target.destinationName) does not exist.")
        }
        try await rules.putTargets(rule: rule, targets: targets)
        return ["FailedEntryCount": 0, "FailedEntries": []]
    }

    func removeTargets(_ input: JSONValue) async throws -> JSONValue {
        let rule = try userRuleName(input["Rule"])
        try checkBus(input["EventBusName"])
        guard let ids = input["Ids"]?.arrayValue?.compactMap(\.stringValue), (1...100).contains(ids.count) else {
            throw AWSRefusal.validation("Ids must hold 1 to 100 target ids.")
        }
        let missing = try await rules.removeTargets(rule: rule, ids: ids)
        return [
            "FailedEntryCount": .number(Double(missing.count)),
            "FailedEntries": .array(missing.map {
                ["TargetId": .string($0), "ErrorCode": "ResourceNotFoundException", "ErrorMessage": .string("Rule \(rule) has no target \($0).")]
            }),
        ]
    }

    func listTargetsByRule(_ input: JSONValue) async throws -> JSONValue {
        let name = try ResourceName.check(input["Rule"], parameter: "rule")
        try checkBus(input["EventBusName"])
        if let managed = try await managedRules().first(where: { $0.name == name }) {
            return ["Targets": [managed.target(on: bus)]]
        }
        guard try await queries.rule(named: name) != nil else { throw noRule(name) }
        return ["Targets": .array(try await queries.targets(of: name).map(\.json))]
    }

    private func describe(_ rule: RuleRecord) -> JSONValue {
        var fields: [String: JSONValue] = [
            "Name": .string(rule.name), "Arn": .string(bus.ruleARN(rule.name)), "EventPattern": .string(rule.eventPattern),
            "State": rule.enabled ? "ENABLED" : "DISABLED", "EventBusName": .string(EventBus.name), "CreatedBy": .string(bus.account),
        ]
        if let description = rule.description { fields["Description"] = .string(description) }
        return .object(fields)
    }

    private func managedRules() async throws -> [ManagedRule] {
        ManagedRule.all(try await SubscriptionRegistry.all(redis: redis))
    }

    /// A name a user's rule may have: the services' own rules are `kinexus.…` and cannot be changed.
    private func userRuleName(_ value: JSONValue?) throws(AWSRefusal) -> String {
        let name = try ResourceName.check(value, parameter: "name")
        guard !name.hasPrefix(ManagedRule.prefix) else {
            throw AWSRefusal("ManagedRuleException", "The rule \(name) is managed by Kinexus (a service's subscription) and cannot be changed; "
                + "names beginning with '\(ManagedRule.prefix)' are Kinexus's.")
        }
        return name
    }

    private func state(_ value: JSONValue?) throws(AWSRefusal) -> Bool? {
        switch value?.stringValue {
        case nil: nil
        case "ENABLED": true
        case "DISABLED": false
        case let other?: throw .validation("State must be ENABLED or DISABLED, not '\(other.prefix(40))'.")
        }
    }

    func checkBus(_ value: JSONValue?) throws(AWSRefusal) {
        guard bus.isNamed(value?.stringValue) else { throw .notFound("Event bus \(value?.stringValue ?? "") does not exist.") }
    }

    private func noRule(_ name: String) -> AWSRefusal {
        .notFound("Rule \(name) does not exist on EventBus \(EventBus.name).")
    }
}
