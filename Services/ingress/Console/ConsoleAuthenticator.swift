import Accounts
import Foundation
import Hummingbird
import HummingbirdAuth
import KinexusServiceKit

/// The signed-in user of a console request, read from their account on every request: a session past its
/// lifetime, of a disabled user or from before a password reset ends here. An active session's idle expiry
/// is pushed back, at most once a minute.
struct ConsoleAuthenticator: AuthenticatorMiddleware {
    typealias Context = KinexusRequestContext
    let accounts: Accounts
    let settings: ConsoleSettings

    func authenticate(request: Request, context: KinexusRequestContext) async throws -> SignedInUser? {
        guard let session = context.sessions.session else { return nil }
        // In seconds as a Double until it is known to lie within the lifetime: no Duration from an unbounded value.
        let lifetime = settings.sessionLifetime / .seconds(1)
        let age = max(0, Date.now.timeIntervalSince(session.signedInAt))
        guard age < lifetime, let user = try await accounts.user(id: session.userID, epoch: session.epoch) else {
            context.sessions.clearSession()
            return nil
        }
        let wanted = min(settings.idleTimeout, .seconds(lifetime - age))
        context.sessions.withLockedSession { data in
            if let left = data?.expiresIn, left > wanted - .seconds(60) { return }
            data?.expiresIn = wanted
        }
        return user
    }
}

/// Console pages for signed-in people only: anyone else is sent to sign in, and back here afterwards.
struct RequireSignIn: RouterMiddleware {
    func handle(_ request: Request, context: KinexusRequestContext, next: (Request, KinexusRequestContext) async throws -> Response)
        async throws -> Response
    {
        guard context.identity == nil else { return try await next(request, context) }
        let back = request.method == .get ? request.uri.description : "/"
        return Response.redirect(to: "/console/sign-in?next=\(queryValue(back))", type: .normal)
    }
}
