import KinexusJSON

/// The JSONPath EventBridge's InputPath and InputPathsMap take: `$`, then `.name`, `['name']` or `[index]` steps.
public struct JSONPath: Sendable, Equatable, CustomStringConvertible {
    enum Step: Sendable, Equatable {
        case field(String)
        case index(Int)
    }

    let steps: [Step]
    public let description: String

    public init?(_ text: String) {
        var characters = Substring(text)
        guard text.utf8.count <= 256, characters.popFirst() == "$" else { return nil }
        var steps: [Step] = []
        while let next = characters.first {
            if next == "." {
                characters = characters.dropFirst()
                let name = characters.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { return nil }
                steps.append(.field(String(name)))
                characters = characters.dropFirst(name.count)
            } else if characters.hasPrefix("['") {
                characters = characters.dropFirst(2)
                guard let end = characters.range(of: "']") else { return nil }
                steps.append(.field(String(characters[..<end.lowerBound])))
                characters = characters[end.upperBound...]
            } else if next == "[" {
                characters = characters.dropFirst()
                let digits = characters.prefix { $0.isASCII && $0.isNumber }
                guard !digits.isEmpty, digits.count <= 9, let index = Int(digits), characters.dropFirst(digits.count).first == "]" else {
                    return nil
                }
                steps.append(.index(index))
                characters = characters.dropFirst(digits.count + 1)
            } else {
                return nil
            }
        }
        self.steps = steps
        description = text
    }

    /// The value at the path, or nil where the event has none.
    public func value(in json: JSONValue) -> JSONValue? {
        var current = json
        for step in steps {
            switch step {
            case .field(let name):
                guard let child = current[name] else { return nil }
                current = child
            case .index(let index):
                guard let elements = current.arrayValue, elements.indices.contains(index) else { return nil }
                current = elements[index]
            }
        }
        return current
    }
}
