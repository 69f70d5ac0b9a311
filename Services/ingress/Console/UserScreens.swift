import Accounts
import Foundation
import Hummingbird
import KinexusServiceKit

/// For admins: the users with their roles; adding one, changing roles, disabling, resetting a password.
/// A password made here is shown once, on the page that answers the change.
struct UserScreens: Sendable {
    let accounts: Accounts
    let templates: ConsoleTemplates

    struct RoleChoice {
        let name: String
        let checked: Bool
    }

    struct Row {
        let name: String
        let path: String
        let roles: [RoleChoice]
        let rolesText: String
        let disabled: Bool
        let created: String

        init(_ account: UserAccount) {
            name = account.name
            path = "/console/users/" + pathSegment(account.name)
            roles = Role.allCases.map { RoleChoice(name: $0.rawValue, checked: account.roles.contains($0)) }
            rolesText = account.roles.sorted().map(\.rawValue).joined(separator: ", ")
            disabled = account.disabled
            created = shown(account.createdAt)
        }
    }

    struct UsersView {
        let chrome: Chrome?
        let rows: [Row]
        let pages: PageLinks
        let roles: [RoleChoice]
        let notice: String?
        let password: String?
        let error: String?
    }

    func list(_ request: Request, context: KinexusRequestContext, notice: String? = nil, password: String? = nil, error: String? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let pagination = Pagination(request)
        let (users, links) = pagination.page(try await accounts.list(from: pagination.bound, limit: pagination.limit),
                                             path: "/console/users") { (Pagination.untimed, $0.name) }
        return try templates.page("users", UsersView(
            chrome: Chrome(context), rows: users.map(Row.init), pages: links,
            roles: Role.allCases.map { RoleChoice(name: $0.rawValue, checked: $0 == .viewer) }, notice: notice, password: password,
            error: error), status: status)
    }

    /// The roles the form's checkboxes (`role[]`) name.
    struct RolesForm: Decodable {
        let role: [String]?

        func roles() throws -> Set<Role> {
            try AccountRules.roles((role ?? []).joined(separator: ","))
        }
    }

    struct AddForm: Decodable {
        let name: String
        let password: String?
        let role: [String]?
    }

    func add(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let form = try await decodeForm(AddForm.self, request)
        do {
            let given = form.password.flatMap { $0.isEmpty ? nil : $0 }
            let roles = try RolesForm(role: form.role).roles()
            let password = try await accounts.add(name: form.name, roles: roles, password: given)
            return try await list(request, context: context, notice: "Added \(form.name).", password: given == nil ? password : nil)
        } catch let error as AccountError {
            return try await list(request, context: context, error: error.description, status: .badRequest)
        }
    }

    func setRoles(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let name = try await user(context).name
        let form = try await decodeForm(RolesForm.self, request)
        do {
            try await accounts.setRoles(name: name, roles: try form.roles())
            return try await list(request, context: context, notice: "Changed the roles of \(name).")
        } catch let error as AccountError {
            return try await list(request, context: context, error: error.description, status: .badRequest)
        }
    }

    func disable(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let account = try await user(context)
        guard account.id != context.identity?.id else {
            return try await list(request, context: context, error: "You cannot disable yourself.", status: .badRequest)
        }
        try await accounts.disable(name: account.name)
        return try await list(request, context: context, notice: "Disabled \(account.name); their sessions have ended.")
    }

    func resetPassword(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let account = try await user(context)
        let password = try await accounts.resetPassword(name: account.name)
        return try await list(request, context: context, notice: "New password for \(account.name); their sessions have ended.",
                              password: password)
    }

    private func user(_ context: KinexusRequestContext) async throws -> UserAccount {
        let name = context.pathParameter("name")
        guard let account = try await accounts.user(named: name) else { throw ConsoleRefusal.notFound("user \(name)") }
        return account
    }
}
