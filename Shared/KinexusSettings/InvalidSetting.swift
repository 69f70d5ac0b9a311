/// A `KINEXUS_*` variable a service cannot start with: which one, and what is wrong with it. Every
/// setting of every module is refused with this one error, which the start-up prints as one line.
public struct InvalidSetting: Error, Equatable, CustomStringConvertible {
    public let variable: String
    public let description: String

    /// A value out of its range or of the wrong form.
    public init(_ variable: String, value: String, expected: String) {
        self.variable = variable
        description = "\(variable)='\(value)' is invalid: expected \(expected)"
    }

    /// Any other problem, said after the variable's name: `KINEXUS_LLM_MODEL must name a model …`.
    public init(_ variable: String, problem: String) {
        self.variable = variable
        description = "\(variable) \(problem)"
    }

    /// A variable another one needs: half an integration is refused rather than half used.
    public init(missing variable: String, because trigger: String) {
        self.variable = variable
        description = "\(variable) must be set when \(trigger) is"
    }
}
