import Foundation
import HummingbirdAuth

/// What a person may decide in the console. Every signed-in user may look; each role adds decisions.
public enum Role: String, CaseIterable, Codable, Sendable, Comparable {
    case viewer
    /// Decides reviews.
    case reviewer
    /// Writes stories and asks for code.
    case author
    /// Works tickets, rates suggestions, keeps the knowledge bucket.
    case agent
    /// Users, dead letters, re-indexing.
    case admin

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// The person a console request is made by, read afresh from their account on every request, so a change
/// of roles applies at once; nil for machines (the API token) and signed-out requests.
public struct SignedInUser: Sendable, Equatable, RoleProviding {
    public let id: UUID
    public let name: String
    public let roles: Set<Role>

    public init(id: UUID, name: String, roles: Set<Role>) {
        self.id = id
        self.name = name
        self.roles = roles
    }
}

/// A console session, kept in Redis under its random id: whose it is, since when, and the token every
/// state-changing form of the session carries.
public struct ConsoleSession: Codable, Sendable, Equatable {
    public let userID: UUID
    /// The account's session epoch at sign-in: disabling the user or resetting the password raises it.
    public let epoch: Int
    public let signedInAt: Date
    public let csrfToken: String

    public init(userID: UUID, epoch: Int, signedInAt: Date, csrfToken: String) {
        self.userID = userID
        self.epoch = epoch
        self.signedInAt = signedInAt
        self.csrfToken = csrfToken
    }
}
