import Foundation
import KinexusPostgres
import KinexusServiceKit
import Logging
import PostgresNIO

/// The console's users: adding them, their roles, disabling them, their passwords, and signing in. The one
/// writer of `accounts.users`, for the ingress, its console and `kinexus users`.
public struct Accounts: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public static func migrations() throws -> [Migration] {
        try Migration.loadBundled(Bundle.module.url(forResource: "Migrations", withExtension: nil), owner: "accounts")
    }

    private static let columns = "SELECT user_id, name, roles, disabled, created_at, session_epoch FROM accounts.users"

    /// Adds a user and answers their password: `password` when given, else a generated one.
    @discardableResult
    public func add(name: String, roles: Set<Role>, password: String? = nil) async throws -> String {
        let name = try AccountRules.validName(name)
        let password = try password.map(AccountRules.validPassword) ?? Passwords.generate()
        let hash = try await Passwords.hash(password)
        let inserted = try await client.tracedQuery("""
            INSERT INTO accounts.users (name, password_hash, roles) VALUES (\(name), \(hash), \(roles.map(\.rawValue).sorted()))
            ON CONFLICT DO NOTHING RETURNING user_id
            """, logger: logger)
        for try await _ in inserted.decode(UUID.self) { return password }
        throw AccountError.nameTaken(name)
    }

    /// The first administrator, made only while there are no users at all (every replica of the ingress
    /// may try at once; one succeeds). Answers the password when this call made the account.
    public func addFirstAdministrator(password: String?) async throws -> String? {
        let password = try password.map(AccountRules.validPassword) ?? Passwords.generate()
        let hash = try await Passwords.hash(password)
        let inserted = try await client.tracedQuery("""
            INSERT INTO accounts.users (name, password_hash, roles)
            SELECT 'admin', \(hash), \(Role.allCases.map(\.rawValue))
            WHERE NOT EXISTS (SELECT FROM accounts.users)
            ON CONFLICT DO NOTHING RETURNING user_id
            """, logger: logger)
        for try await _ in inserted.decode(UUID.self) { return password }
        return nil
    }

    /// Users by name, `limit` of them from `bound` (its id is a user's name), from the first when nil.
    public func list(from bound: PageBound? = nil, limit: Int = 100_000) async throws -> [UserAccount] {
        let page = KeysetPage(bound, newestFirst: false, firstID: "")
        return page.rows(try await accounts(client.tracedQuery("""
            \(unescaped: Self.columns) WHERE lower(name) \(unescaped: page.comparison) lower(\(page.id))
            ORDER BY lower(name) \(unescaped: page.order) LIMIT \(limit)
            """, logger: logger)))
    }

    public func user(named name: String) async throws -> UserAccount? {
        try await accounts(client.tracedQuery("\(unescaped: Self.columns) WHERE lower(name) = lower(\(name))", logger: logger)).first
    }

    public func setRoles(name: String, roles: Set<Role>) async throws {
        try await changedOne(name, client.tracedQuery("""
            UPDATE accounts.users SET roles = \(roles.map(\.rawValue).sorted()) WHERE lower(name) = lower(\(name)) RETURNING user_id
            """, logger: logger))
    }

    /// The user can no longer sign in, and every session they have ends at its next request.
    public func disable(name: String) async throws {
        try await changedOne(name, client.tracedQuery("""
            UPDATE accounts.users SET disabled = true, session_epoch = session_epoch + 1
            WHERE lower(name) = lower(\(name)) RETURNING user_id
            """, logger: logger))
    }

    /// Sets a new password (a generated one when none is given) and ends the user's sessions; answers it.
    @discardableResult
    public func resetPassword(name: String, to password: String? = nil) async throws -> String {
        let password = try password.map(AccountRules.validPassword) ?? Passwords.generate()
        let hash = try await Passwords.hash(password)
        try await changedOne(name, client.tracedQuery("""
            UPDATE accounts.users SET password_hash = \(hash), session_epoch = session_epoch + 1
            WHERE lower(name) = lower(\(name)) RETURNING user_id
            """, logger: logger))
        return password
    }

    /// The user and their session epoch when the name and password are right and the account enabled.
    public func signIn(name: String, password: String) async throws -> (user: SignedInUser, epoch: Int)? {
        var found: (account: UserAccount, hash: String)?
        let rows = try await client.tracedQuery("""
            SELECT user_id, name, roles, disabled, created_at, session_epoch, password_hash FROM accounts.users
            WHERE lower(name) = lower(\(name))
            """, logger: logger)
        for try await (id, name, roles, disabled, created, epoch, hash)
            in rows.decode((UUID, String, [String], Bool, Date, Int, String).self) {
            found = (UserAccount(id: id, name: name, roles: Self.roles(roles), disabled: disabled, createdAt: created, epoch: epoch), hash)
        }
        guard try await Passwords.verify(password, hash: found?.hash), let account = found?.account, !account.disabled else {
            return nil
        }
        return (account.signedIn, account.epoch)
    }

    /// The signed-in user a session names, while the account is enabled and the session's epoch current.
    public func user(id: UUID, epoch: Int) async throws -> SignedInUser? {
        let rows = try await client.tracedQuery("\(unescaped: Self.columns) WHERE user_id = \(id)", logger: logger)
        guard let account = try await accounts(rows).first, !account.disabled, account.epoch == epoch else { return nil }
        return account.signedIn
    }

    private func changedOne(_ name: String, _ rows: PostgresRowSequence) async throws {
        for try await _ in rows.decode(UUID.self) { return }
        throw AccountError.noSuchUser(name)
    }

    /// Roles a later version may have removed are ignored rather than refused.
    private static func roles(_ names: [String]) -> Set<Role> {
        Set(names.compactMap(Role.init(rawValue:)))
    }

    private func accounts(_ rows: PostgresRowSequence) async throws -> [UserAccount] {
        var accounts: [UserAccount] = []
        for try await (id, name, roles, disabled, created, epoch) in rows.decode((UUID, String, [String], Bool, Date, Int).self) {
            accounts.append(UserAccount(id: id, name: name, roles: Self.roles(roles), disabled: disabled,
                                        createdAt: created, epoch: epoch))
        }
        return accounts
    }
}
