public enum EventError: Error, Equatable, CustomStringConvertible {
    case tooLarge(detailType: String, size: Int, limit: Int)
    case malformedEnvelope(String)
    case wrongDetailType(expected: String, actual: String)
    case nulCharacter(path: String)

    public var description: String {
        switch self {
        case .tooLarge(let detailType, let size, let limit):
            "\(detailType) event is \(size) bytes serialized, over the \(limit)-byte limit: "
                + "store the large content in Postgres and send its id"
        case .malformedEnvelope(let reason): "not an event envelope: \(reason)"
        case .wrongDetailType(let expected, let actual): "expected a \(expected) event, got \(actual)"
        case .nulCharacter(let path): "'\(path.prefix(200))' holds a NUL character, which no consumer can store"
        }
    }
}
