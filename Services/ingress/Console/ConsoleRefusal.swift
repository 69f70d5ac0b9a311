import Hummingbird
import KinexusServiceKit

/// A console request refused: shown to the person as a page with the reason, with its status.
struct ConsoleRefusal: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    static func notFound(_ what: String) -> ConsoleRefusal { .init(.notFound, "There is no \(what).") }
    static let forbidden = ConsoleRefusal(.forbidden, "Your roles do not allow this.")

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: .init(string: message)))
    }
}

/// Refusals become console pages: a `ConsoleRefusal`, or an `APIError` or `HTTPError` below 500 that a shared
/// handler threw. A 5xx goes on to the service's error middleware: the JSON error body, logged at error.
struct ConsoleErrorPages: RouterMiddleware {
    let templates: ConsoleTemplates

    func handle(_ request: Request, context: KinexusRequestContext, next: (Request, KinexusRequestContext) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let refusal as ConsoleRefusal {
            return try page(refusal, context)
        } catch let error as APIError where error.status.code < 500 {
            return try page(ConsoleRefusal(error.status, error.message), context)
        } catch let error as HTTPError where error.status.code < 500 {
            return try page(ConsoleRefusal(error.status, error.body ?? error.status.reasonPhrase), context)
        }
    }

    private func page(_ refusal: ConsoleRefusal, _ context: KinexusRequestContext) throws -> Response {
        try templates.page("refusal", RefusalView(chrome: Chrome(context), status: Int(refusal.status.code),
                                                  reason: refusal.status.reasonPhrase, message: refusal.message), status: refusal.status)
    }
}

struct RefusalView {
    let chrome: Chrome?
    let status: Int
    let reason: String
    let message: String
}
