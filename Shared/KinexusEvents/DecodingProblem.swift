import Foundation

/// A one-line account of why JSON did not decode into a type, naming the field by its path.
public func describeDecodingProblem(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ codingPath: [any CodingKey]) -> String {
        let names = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        return names.isEmpty ? "the document" : "'" + names.joined(separator: ".").replacingOccurrences(of: ".[", with: "[") + "'"
    }
    switch error {
    case .keyNotFound(let key, let context):
        return "missing field \(path(context.codingPath + [key]))"
    case .typeMismatch(let type, let context):
        return "\(path(context.codingPath)) should be \(describe(type))"
    case .valueNotFound(let type, let context):
        return "\(path(context.codingPath)) is null but should be \(describe(type))"
    case .dataCorrupted(let context):
        return "\(path(context.codingPath)): \(context.debugDescription)"
    @unknown default:
        return "\(error)"
    }
}

private func describe(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Int.Type, is Double.Type, is Int64.Type: "a number"
    case is Bool.Type: "true or false"
    case is [Any].Type: "an array"
    default: "\(type)"
    }
}
