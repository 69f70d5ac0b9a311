import Accounts
import Foundation
import Hummingbird
import KinexusServiceKit
import Logging

/// Signing in and out. A wrong name or password answers the same as an unknown name; five failures for a
/// name within 15 minutes refuse it (429) for the rest of that window.
struct SignInScreen: Sendable {
    let accounts: Accounts
    let throttle: SignInThrottle
    let settings: ConsoleSettings
    let templates: ConsoleTemplates
    let logger: Logger

    struct View {
        let next: String
        let csrf: String
        let username: String
        let error: String?
    }

    struct Form: Decodable {
        let username: String
        let password: String
        let next: String?
    }

    func show(_ request: Request, context: KinexusRequestContext) throws -> Response {
        let next = Self.localPath(request.uri.queryParameters.get("next"))
        if context.identity != nil { return .redirect(to: next) }
        return try form(next: next, username: "", error: nil)
    }

    func signIn(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let form = try await decodeForm(Form.self, request)
        let next = Self.localPath(form.next)
        // No account has a longer name, and bcrypt reads 72 bytes: nothing longer reaches Redis or Postgres.
        guard form.username.count <= 64, form.password.utf8.count <= 1024 else {
            return try self.form(next: next, username: "", status: .unauthorized, error: "Wrong username or password.")
        }
        if let wait = try await throttle.refusal(for: form.username) {
            logger.warning("sign-in refused: too many failures", metadata: ["user": "\(form.username)"])
            let minutes = max(1, wait.components.seconds / 60 + 1)
            return try self.form(next: next, username: form.username, status: .tooManyRequests,
                                 error: "Too many failed sign-ins for this name. Try again in \(minutes) minutes.")
        }
        guard let (user, epoch) = try await accounts.signIn(name: form.username, password: form.password) else {
            try await throttle.failed(form.username)
            logger.notice("sign-in failed", metadata: ["user": "\(form.username)"])
            return try self.form(next: next, username: form.username, status: .unauthorized, error: "Wrong username or password.")
        }
        try await throttle.succeeded(form.username)
        context.sessions.createSession(
            ConsoleSession(userID: user.id, epoch: epoch, signedInAt: .now, csrfToken: Self.randomToken()),
            expiresIn: min(settings.idleTimeout, settings.sessionLifetime))
        logger.info("signed in", metadata: ["user": "\(user.name)"])
        return .redirect(to: next)
    }

    func signOut(context: KinexusRequestContext) -> Response {
        context.sessions.clearSession()
        return .redirect(to: "/console/sign-in")
    }

    private func form(next: String, username: String, status: HTTPResponse.Status = .ok, error: String?) throws -> Response {
        let token = Self.randomToken()
        var response = try templates.page("sign-in", View(next: next, csrf: token, username: username, error: error), status: status)
        response.setCookie(Cookie(name: FormProtection.signInCookie, value: token, maxAge: 3600, path: "/console/sign-in",
                                  secure: settings.secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    /// Where to go after signing in: a path of this site, never another site's address.
    static func localPath(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"),
              !next.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return "/" }
        return next
    }

    /// 256 random bits, hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
