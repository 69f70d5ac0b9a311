import HTTPTypes
import Hummingbird
import KinexusServiceKit

/// Every state-changing console request must come from a console page: its `Origin` is the console's, and
/// its form carries the token of the session (or, signing in, of the sign-in page's cookie). Otherwise 403,
/// before any handler runs; a form holding a NUL character is refused (400) there too.
struct FormProtection: RouterMiddleware {
    enum Token {
        case session
        case signInCookie
    }

    static let signInCookie = "kinexus_sign_in"
    /// Room for a knowledge document (5 MB) and the form around it.
    static let maximumBody = 6 * 1024 * 1024
    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!

    let token: Token
    let settings: ConsoleSettings

    func handle(_ request: Request, context: KinexusRequestContext, next: (Request, KinexusRequestContext) async throws -> Response)
        async throws -> Response
    {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        guard originIsTheConsole(request) else {
            throw ConsoleRefusal(.forbidden, "This form was not sent from the console's own pages, so nothing was changed.")
        }
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumBody)
        // No Postgres text can hold a NUL character: a form carrying one changes nothing. Encoded, it is `%00`
        // (a `%00` typed by a person is sent as `%2500`); in a multipart body only a raw one is.
        let multipart = request.headers[.contentType].flatMap(MultipartForm.boundary(contentType:))
        if body.readableBytesView.contains(0) || (multipart == nil && Self.holdsEncodedNUL(body.readableBytesView)) {
            throw ConsoleRefusal(.badRequest, "The form holds a NUL character, which Kinexus cannot store; nothing was changed.")
        }
        let sent: String? = if let multipart {
            MultipartForm(body: Array(buffer: body), boundary: multipart)?.field("csrf")
        } else {
            (try? URLEncodedFormDecoder().decode(Sent.self, from: String(buffer: body)))?.csrf
        }
        let expected = switch token {
        case .session: context.sessions.session?.csrfToken
        case .signInCookie: request.cookies[Self.signInCookie]?.value
        }
        guard let sent, let expected, !expected.isEmpty, secretsMatch(sent, expected) else {
            throw ConsoleRefusal(.forbidden, "This form has expired or was not made by the console, so nothing was changed. "
                                 + "Reload the page and try again.")
        }
        return try await next(request, context)
    }

    /// Whether the bytes hold `%00`.
    static func holdsEncodedNUL(_ bytes: some Collection<UInt8>) -> Bool {
        let (percent, zero) = (UInt8(ascii: "%"), UInt8(ascii: "0"))
        return zip(bytes, zip(bytes.dropFirst(), bytes.dropFirst(2))).contains { $0 == percent && $1.0 == zero && $1.1 == zero }
    }

    private struct Sent: Decodable {
        let csrf: String?
    }

    /// The browser's `Origin`: the public address's, or that of the host the request was sent to. Under the
    /// console's `Referrer-Policy: no-referrer` a browser sends `Origin: null` even for a form of the same
    /// origin; then its `Sec-Fetch-Site`, which no page's script can set, must say `same-origin`.
    private func originIsTheConsole(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin]?.lowercased() else { return false }
        if origin == "null" { return request.headers[Self.fetchSite]?.lowercased() == "same-origin" }
        if origin == settings.publicOrigin { return true }
        guard let host = request.head.authority?.lowercased() else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }
}
