import KinexusServiceKit

/// What every signed-in page shows around its content: who is signed in, the navigation their roles open,
/// and the session's form token for the sign-out button.
struct Chrome {
    let name: String
    let roles: String
    let csrf: String
    let admin: Bool

    init?(_ context: KinexusRequestContext) {
        guard let user = context.identity, let session = context.sessions.session else { return nil }
        name = user.name
        roles = user.roles.sorted().map(\.rawValue).joined(separator: ", ")
        csrf = session.csrfToken
        admin = user.roles.contains(.admin)
    }
}
