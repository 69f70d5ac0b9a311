import KinexusServiceKit

/// What a user name, a role list and a password must be.
public enum AccountRules {
    /// Letters, digits, `.`, `_`, `-` and `@`, 1 to 64 of them: names appear in URLs, logs and decisions.
    public static func validName(_ name: String) throws -> String {
        let allowed = name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-@".unicodeScalars.contains($0) }
        guard (1...64).contains(name.count), allowed else {
            throw AccountError.invalidName("a user name is 1 to 64 letters, digits, '.', '_', '-' or '@', not '\(name)'")
        }
        return name
    }

    /// `reviewer,author`: one or more roles, separated by commas.
    public static func roles(_ list: String) throws -> Set<Role> {
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let known = Role.allCases.map(\.rawValue).joined(separator: ", ")
        guard !names.isEmpty else { throw AccountError.invalidRoles("name at least one role of \(known)") }
        return Set(try names.map { name in
            guard let role = Role(rawValue: name.lowercased()) else {
                throw AccountError.invalidRoles("'\(name)' is not a role; the roles are \(known)")
            }
            return role
        })
    }

    /// Bcrypt reads 72 bytes at most, and up to the first NUL: a longer password, or one with a NUL, would be
    /// accepted with any ending.
    public static func validPassword(_ password: String) throws -> String {
        guard (12...72).contains(password.utf8.count), !password.utf8.contains(0) else {
            throw AccountError.invalidPassword("a password is 12 to 72 bytes long, without NUL characters")
        }
        return password
    }
}
