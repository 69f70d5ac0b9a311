import Hummingbird
import KinexusEvents
import KinexusJSON

/// Refuses a request whose path or query holds a NUL character (`%00`), before any handler passes it on
/// to Postgres, which cannot store one.
struct NULCharacterRefusal<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if request.uri.path.contains("%00") || request.uri.path.containsNUL {
            throw APIError.nulCharacter(in: "path")
        }
        for (name, value) in request.uri.queryParameters where name.containsNUL || value.containsNUL {
            throw APIError.nulCharacter(in: String(name))
        }
        return try await next(request, context)
    }
}

extension Substring {
    var containsNUL: Bool { utf8.contains(0) }
}

/// Refuses a JSON body with a NUL character in any of its strings or keys, naming where; a body that is
/// not JSON is left for the caller's own parse to refuse.
public func refuseNULCharacters(inJSON body: ByteBuffer) throws(APIError) {
    if let path = (try? JSONValue(parsing: body.readableBytesView))?.pathOfNUL { throw APIError.nulCharacter(in: path) }
}
