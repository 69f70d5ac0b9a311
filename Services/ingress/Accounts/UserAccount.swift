import Foundation
import KinexusServiceKit

/// One person's account as the users screen and `kinexus users list` show it; never the password's hash.
public struct UserAccount: Sendable, Equatable {
    public let id: UUID
    public let name: String
    public let roles: Set<Role>
    public let disabled: Bool
    public let createdAt: Date
    let epoch: Int

    public var signedIn: SignedInUser { SignedInUser(id: id, name: name, roles: roles) }
}
