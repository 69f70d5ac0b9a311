/// Why a pattern was refused, naming the field by its path (`detail.status`).
public struct EventPatternError: Error, Equatable, CustomStringConvertible {
    public var field: String
    public var problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String {
        field.isEmpty ? "invalid event pattern: \(problem)" : "invalid event pattern at \(field): \(problem)"
    }
}
