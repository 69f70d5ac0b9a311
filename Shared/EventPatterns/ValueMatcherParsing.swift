import KinexusJSON

extension ValueMatcher {
    init(parsing element: JSONValue, field: String) throws(EventPatternError) {
        switch element {
        case .string, .number, .bool, .null:
            self = .exact(element)
        case .array:
            throw EventPatternError(field: field, problem: "arrays cannot be nested inside a value list")
        case .object(let operation):
            guard operation.count == 1, let (name, operand) = operation.first else {
                throw EventPatternError(field: field, problem: "a filter object must have exactly one operator")
            }
            self = try Self.parseOperator(name, operand, field: field)
        }
    }

    private static func parseOperator(_ name: String, _ operand: JSONValue, field: String) throws(EventPatternError) -> ValueMatcher {
        func fail(_ problem: String) -> EventPatternError { EventPatternError(field: field, problem: problem) }
        switch name {
        case "prefix", "suffix":
            let (text, ignoringCase) = try affix(name, operand, field: field)
            return name == "prefix" ? .prefix(text, ignoringCase: ignoringCase) : .suffix(text, ignoringCase: ignoringCase)
        case "equals-ignore-case":
            guard case .string(let text) = operand else { throw fail("equals-ignore-case takes a string") }
            return .equalsIgnoreCase(text)
        case "anything-but":
            return .anythingBut(try anythingBut(operand, field: field))
        case "numeric":
            return .numeric(try numericBounds(operand, field: field))
        case "exists":
            guard case .bool(let shouldExist) = operand else { throw fail("exists takes true or false") }
            return .exists(shouldExist)
        case "wildcard":
            guard case .string(let text) = operand else { throw fail("wildcard takes a string") }
            return .wildcard(try Wildcard(text, field: field))
        case "cidr":
            guard case .string(let text) = operand else { throw fail("cidr takes a string such as 10.0.0.0/24") }
            return .cidr(try CIDRBlock(text, field: field))
        default:
            throw fail("unknown operator '\(name)'")
        }
    }

    /// `"text"` or `{"equals-ignore-case": "text"}`, the operand of prefix and suffix.
    private static func affix(_ name: String, _ operand: JSONValue, field: String) throws(EventPatternError) -> (String, Bool) {
        switch operand {
        case .string(let text):
            return (text, false)
        case .object(let nested) where nested.count == 1:
            if case .string(let text)? = nested["equals-ignore-case"] { return (text, true) }
        default:
            break
        }
        throw EventPatternError(field: field, problem: "\(name) takes a string or {\"equals-ignore-case\": string}")
    }

    private static func anythingBut(_ operand: JSONValue, field: String) throws(EventPatternError) -> AnythingBut {
        func fail(_ problem: String) -> EventPatternError {
            EventPatternError(field: field, problem: "anything-but \(problem)")
        }
        switch operand {
        case .string, .number:
            return .values([operand])
        case .array(let values):
            guard !values.isEmpty else { throw fail("needs at least one value") }
            let allStrings = values.allSatisfy { $0.stringValue != nil }
            let allNumbers = values.allSatisfy { if case .number = $0 { true } else { false } }
            guard allStrings || allNumbers else { throw fail("takes a list of only strings or only numbers") }
            return .values(values)
        case .object(let nested):
            guard nested.count == 1, let (name, inner) = nested.first else {
                throw fail("takes one of prefix, suffix, equals-ignore-case or wildcard")
            }
            let texts = try strings(inner, for: "anything-but \(name)", field: field)
            switch name {
            case "prefix", "suffix":
                guard texts.count == 1, case .string = inner else { throw fail("\(name) takes a string") }
                return name == "prefix" ? .prefix(texts[0]) : .suffix(texts[0])
            case "equals-ignore-case":
                return .equalsIgnoreCase(texts)
            case "wildcard":
                var wildcards: [Wildcard] = []
                for text in texts {
                    wildcards.append(try Wildcard(text, field: field))
                }
                return .wildcards(wildcards)
            default:
                throw fail("does not support '\(name)'")
            }
        default:
            throw fail("takes a string, a number, a list or a filter object")
        }
    }

    private static func strings(_ operand: JSONValue, for name: String, field: String) throws(EventPatternError) -> [String] {
        switch operand {
        case .string(let text):
            return [text]
        case .array(let values) where !values.isEmpty:
            let texts = values.compactMap(\.stringValue)
            if texts.count == values.count { return texts }
        default:
            break
        }
        throw EventPatternError(field: field, problem: "\(name) takes a string or a list of strings")
    }

    /// `[op, n]` or a range `[">"|">=", low, "<"|"<=", high]`.
    private static func numericBounds(_ operand: JSONValue, field: String) throws(EventPatternError) -> [NumericBound] {
        func fail(_ problem: String) -> EventPatternError {
            EventPatternError(field: field, problem: "numeric \(problem)")
        }
        guard case .array(let items) = operand, items.count == 2 || items.count == 4 else {
            throw fail("takes [operator, number] or [\">\", low, \"<\", high]")
        }
        var bounds: [NumericBound] = []
        for index in stride(from: 0, to: items.count, by: 2) {
            guard case .string(let symbol) = items[index], let comparison = NumericBound.Comparison(rawValue: symbol) else {
                throw fail("has an unknown operator \(items[index].jsonText); use <, <=, =, > or >=")
            }
            guard case .number(let value) = items[index + 1] else {
                throw fail("compares with numbers, not \(items[index + 1].jsonText)")
            }
            bounds.append(NumericBound(comparison: comparison, value: value))
        }
        if bounds.count == 2 {
            let lower: Set<NumericBound.Comparison> = [.greater, .greaterOrEqual]
            let upper: Set<NumericBound.Comparison> = [.less, .lessOrEqual]
            guard lower.contains(bounds[0].comparison), upper.contains(bounds[1].comparison) else {
                throw fail("range must be a lower bound (> or >=) followed by an upper bound (< or <=)")
            }
            guard bounds[0].value < bounds[1].value else { throw fail("range is empty: the lower bound is not below the upper") }
        }
        return bounds
    }
}
