import HTTPTypes
import Hummingbird
import KinexusServiceKit

/// The console's own origin for everything it loads (scripts, styles, images, the event stream), no
/// framing, forms posting only to itself: Hummingbird's content-security middleware with this policy.
func consoleContentSecurity() -> ContentSecurityMiddleware<KinexusRequestContext> {
    ContentSecurityMiddleware(contentSecurityPolicy: [
        .defaultSrc(.self), .formAction(.self), .frameAncestors(.none), .baseURI(.none), .objectSrc(.none),
    ])
}

/// Beside the policy: no framing for browsers that predate `frame-ancestors`, and no address of the console
/// leaves it in a Referer.
struct ConsoleHeaders: RouterMiddleware {
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    func handle(_ request: Request, context: KinexusRequestContext, next: (Request, KinexusRequestContext) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        response.headers[Self.frameOptions] = "DENY"
        response.headers[Self.referrerPolicy] = "no-referrer"
        return response
    }
}
