import KinexusJSON

/// Names of rules, connections, API destinations and targets as EventBridge takes them, and their ARNs.
public enum ResourceName {
    /// `[.\-_A-Za-z0-9]+`, 1 to 64 characters: rules, connections and API destinations.
    public static func check(_ value: JSONValue?, parameter: String) throws(AWSRefusal) -> String {
        guard let name = value?.stringValue else {
            throw .validation("1 validation error detected: Value null at '\(parameter)' failed to satisfy constraint: Member must not be null")
        }
        guard (1...64).contains(name.utf8.count), name.utf8.allSatisfy(isNameCharacter) else {
            throw .validation("1 validation error detected: Value '\(name.prefix(80))' at '\(parameter)' failed to satisfy constraint: "
                + "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+ and have length at most 64")
        }
        return name
    }

    /// A target's id: `[\.\-_A-Za-z0-9]+`, 1 to 64 characters.
    public static func isValidTargetID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy(isNameCharacter)
    }

    /// The name in `value`, which may be a name or the ARN `arn:…:<kind>/<name>[/<id>]`.
    public static func name(fromNameOrARN value: String, kind: String) -> String {
        guard value.hasPrefix("arn:"), let range = value.range(of: ":\(kind)/") else { return value }
        return String(value[range.upperBound...].split(separator: "/").first ?? "")
    }

    static func isNameCharacter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "_")
    }
}

extension EventBus {
    public func ruleARN(_ name: String) -> String { "arn:aws:events:\(region):\(account):rule/\(name)" }

    public func connectionARN(_ name: String, id: String) -> String { "arn:aws:events:\(region):\(account):connection/\(name)/\(id)" }

    public func apiDestinationARN(_ name: String, id: String) -> String {
        "arn:aws:events:\(region):\(account):api-destination/\(name)/\(id)"
    }
}
