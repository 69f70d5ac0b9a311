/// Why an account change was refused, in words for the person who asked.
public enum AccountError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)
    case invalidRoles(String)
    case invalidPassword(String)
    case nameTaken(String)
    case noSuchUser(String)

    public var description: String {
        switch self {
        case .invalidName(let why), .invalidRoles(let why), .invalidPassword(let why): why
        case .nameTaken(let name): "a user named '\(name)' already exists"
        case .noSuchUser(let name): "no user named '\(name)'"
        }
    }
}
