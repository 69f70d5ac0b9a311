import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import KinexusJSON
import KinexusRedis
import KinexusServiceKit

/// `GET /console/events`: the one server-sent-events stream of the console. Each message names the topics
/// that changed (`data: ["review:…","reviews"]`); the stream ends when its user signs out, is disabled or
/// loses the session, checked at every heartbeat.
struct EventStream: Sendable {
    let feed: ConsoleFeed
    let accounts: Accounts
    let redis: RedisClient

    func open(_ request: Request, context: KinexusRequestContext) throws -> Response {
        guard let session = context.sessions.session, let sessionID = request.cookies[Console.sessionCookie]?.value else {
            throw ConsoleRefusal.forbidden
        }
        let topics = feed.subscribe()
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
            for await changed in topics {
                if changed.isEmpty {
                    guard try await stillSignedIn(session, sessionID: sessionID) else { break }
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                } else {
                    // JSON escapes every line break: an id from outside cannot end the message early.
                    try await writer.write(ByteBuffer(string: "data: \(JSONValue.array(changed.map(JSONValue.string)).jsonText)\n\n"))
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [
            .contentType: "text/event-stream", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no",
        ], body: body)
    }

    private func stillSignedIn(_ session: ConsoleSession, sessionID: String) async throws -> Bool {
        guard try await redis.send("EXISTS", Console.sessionKeyPrefix + sessionID).integer == 1 else { return false }
        return try await accounts.user(id: session.userID, epoch: session.epoch) != nil
    }
}
