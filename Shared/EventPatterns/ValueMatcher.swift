import KinexusJSON

/// One element of a pattern's value list: an exact value or a content filter.
enum ValueMatcher: Sendable, Equatable {
    case exact(JSONValue)
    case prefix(String, ignoringCase: Bool)
    case suffix(String, ignoringCase: Bool)
    case equalsIgnoreCase(String)
    case anythingBut(AnythingBut)
    case numeric([NumericBound])
    case exists(Bool)
    case wildcard(Wildcard)
    case cidr(CIDRBlock)

    enum AnythingBut: Sendable, Equatable {
        case values([JSONValue])
        case prefix(String)
        case suffix(String)
        case equalsIgnoreCase([String])
        case wildcards([Wildcard])
    }

    struct NumericBound: Sendable, Equatable {
        enum Comparison: String, Sendable, CaseIterable {
            case less = "<", lessOrEqual = "<=", equal = "=", greater = ">", greaterOrEqual = ">="
        }

        let comparison: Comparison
        let value: Double

        func admits(_ number: Double) -> Bool {
            switch comparison {
            case .less: number < value
            case .lessOrEqual: number <= value
            case .equal: number == value
            case .greater: number > value
            case .greaterOrEqual: number >= value
            }
        }
    }

    /// Whether one leaf value of the event (never an array or object) satisfies this matcher.
    func matches(_ value: JSONValue) -> Bool {
        switch self {
        case .exact(let expected):
            return value == expected
        case .prefix(let prefix, let ignoringCase):
            guard case .string(let text) = value else { return false }
            return ignoringCase ? text.lowercased().hasPrefix(prefix.lowercased()) : text.hasPrefix(prefix)
        case .suffix(let suffix, let ignoringCase):
            guard case .string(let text) = value else { return false }
            return ignoringCase ? text.lowercased().hasSuffix(suffix.lowercased()) : text.hasSuffix(suffix)
        case .equalsIgnoreCase(let expected):
            guard case .string(let text) = value else { return false }
            return text.lowercased() == expected.lowercased()
        case .anythingBut(let excluded):
            return !excluded.excludes(value)
        case .numeric(let bounds):
            guard case .number(let number) = value else { return false }
            return bounds.allSatisfy { $0.admits(number) }
        case .exists:
            // Existence is decided on the whole field, not per value.
            return false
        case .wildcard(let wildcard):
            guard case .string(let text) = value else { return false }
            return wildcard.matches(text)
        case .cidr(let block):
            guard case .string(let text) = value else { return false }
            return block.contains(text)
        }
    }
}

extension ValueMatcher.AnythingBut {
    func excludes(_ value: JSONValue) -> Bool {
        switch self {
        case .values(let values):
            return values.contains(value)
        case .prefix(let prefix):
            guard case .string(let text) = value else { return false }
            return text.hasPrefix(prefix)
        case .suffix(let suffix):
            guard case .string(let text) = value else { return false }
            return text.hasSuffix(suffix)
        case .equalsIgnoreCase(let values):
            guard case .string(let text) = value else { return false }
            return values.contains { $0.lowercased() == text.lowercased() }
        case .wildcards(let wildcards):
            guard case .string(let text) = value else { return false }
            return wildcards.contains { $0.matches(text) }
        }
    }
}
