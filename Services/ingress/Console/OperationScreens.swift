import Foundation
import Hummingbird
import KinexusBus
import KinexusRedis
import KinexusServiceKit

/// For admins: users' rules (see `RuleScreens`), every stream and group with its length, pending entries, lag, consumers and oldest pending
/// age; the dead letters of each group with their error, attempts and event; and redriving them.
struct OperationScreens: Sendable {
    let redis: RedisClient
    let publisher: EventPublisher
    let rules: RuleScreens
    let templates: ConsoleTemplates

    struct GroupRow {
        let stream: String
        let group: String
        let length: Int
        let pending: Int
        let lag: String
        let consumers: Int
        let oldestPending: String
    }

    struct DeadLetterGroup {
        let group: String
        let count: Int
        let url: String
    }

    struct OverviewView {
        let chrome: Chrome?
        let rules: [RuleScreens.RuleRow]
        let groups: [GroupRow]
        let deadLetters: [DeadLetterGroup]
    }

    func overview(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let admin = BusAdmin(redis: redis)
        let groups = try await admin.stats().map {
            GroupRow(stream: $0.stream, group: $0.group, length: $0.length, pending: $0.pending, lag: $0.lag.map(String.init) ?? "?",
                     consumers: $0.consumers, oldestPending: $0.oldestPendingAgeSeconds.map { String(format: "%.1f s", $0) } ?? "—")
        }
        return try templates.page("operations", OverviewView(chrome: Chrome(context), rules: try await rules.rows(), groups: groups,
                                                             deadLetters: try await Self.deadLetterGroups(redis)))
    }

    /// Every group's dead-letter queue with how many letters wait in it.
    static func deadLetterGroups(_ redis: RedisClient) async throws -> [DeadLetterGroup] {
        let names = try await BusAdmin(redis: redis).deadLetterGroups()
        let counts = try await redis.pipeline(names.map { RedisCommand("XLEN", DeadLetters.streamKey(group: $0)) })
        return zip(names, counts).map { group, count in
            DeadLetterGroup(group: group, count: Int(count.integer ?? 0), url: path(group))
        }
    }

    struct LetterRow {
        let id: String
        let detailType: String
        let eventID: String
        let trailURL: String
        let error: String
        let attempts: String
        let failedAt: String
        let event: String
    }

    struct LettersView {
        let chrome: Chrome?
        let group: String
        let path: String
        let rows: [LetterRow]
        let pages: PageLinks
        let redriven: String?
    }

    func letters(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let letters = try await deadLetters(context)
        let pagination = Pagination(request, isValidID: DeadLetters.isEntryID)
        let position: DeadLetters.Position? = pagination.bound.map { $0.side == .after ? .after($0.id) : .before($0.id) }
        let (read, links) = pagination.page(try await letters.page(count: pagination.limit, from: position),
                                            path: Self.path(letters.group)) { letter in
            // The entry id alone is the bound; its milliseconds make the time.
            (Date(timeIntervalSince1970: Double(letter.id.prefix { $0 != "-" }).map { $0 / 1000 } ?? 0), letter.id)
        }
        let rows = read.map {
            LetterRow(id: $0.id, detailType: $0.detailType ?? "?", eventID: $0.eventID ?? "?", trailURL: Self.trailPath($0.eventID ?? ""),
                      error: [$0.errorCode, $0.errorMessage].compactMap { $0 }.joined(separator: ": "),
                      attempts: $0.attempts.map(String.init) ?? "?", failedAt: $0.fields["failed_at"] ?? "?",
                      event: $0.envelopeJSON ?? "")
        }
        let path = Self.path(letters.group)
        return try templates.page("dead-letters", LettersView(
            chrome: Chrome(context), group: letters.group, path: path, rows: rows, pages: links,
            redriven: request.uri.queryParameters.get("redriven")))
    }

    struct TrailRow {
        let time: String
        let detailType: String
        let eventID: String
        let stream: String
        let entryID: String
        let onlyGroup: String?
        let groups: [TrailGroup]
    }

    struct TrailGroup {
        let group: String
        let summary: String
        let status: String
    }

    struct TrailView {
        let chrome: Chrome?
        let id: String
        let correlationID: String?
        let traceID: String?
        let rows: [TrailRow]
    }

    /// `?id=` an event id or a correlation id: every entry of its chain with what each group did, as
    /// `kinexus trace` prints it.
    func trail(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let id = (request.uri.queryParameters.get("id") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // Ids are short; a longer text is no id, and would only make the search slower.
        let steps = id.isEmpty || id.count > Self.longestID ? [] : try await EventTrail(redis: redis).steps(of: id)
        let rows = steps.map { step in
            TrailRow(time: step.time, detailType: step.detailType, eventID: step.eventID, stream: step.stream, entryID: step.entryID,
                     onlyGroup: step.onlyGroup,
                     groups: step.groups.map { TrailGroup(group: $0.group, summary: $0.summary, status: $0.status.rawValue) })
        }
        return try templates.page("event-trail", TrailView(chrome: Chrome(context), id: id, correlationID: steps.first?.correlationID,
                                                            traceID: steps.first?.traceID, rows: rows))
    }

    static let longestID = 200

    static func trailPath(_ id: String) -> String {
        "/console/operations/events?id=" + queryValue(id)
    }

    struct RedriveForm: Decodable {
        let id: String?
    }

    /// One letter (the form names it) or, without an id, every letter of the group.
    func redrive(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let letters = try await deadLetters(context)
        let form = try await decodeForm(RedriveForm.self, request)
        let redriven: [String]
        if let id = form.id {
            // Redis refuses what is not a stream id (`<ms>-<seq>`) with an error: that is a 404 here, not a 500.
            let parts = id.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ (1...20).contains($0.count) && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                  try await letters.letter(id: id) != nil
            else { throw ConsoleRefusal.notFound("dead letter \(id) in \(letters.group)") }
            redriven = try await letters.redrive(ids: [id], publisher: publisher)
        } else {
            redriven = try await letters.redriveAll(publisher: publisher)
        }
        return .redirect(to: Self.path(letters.group) + "?redriven=\(redriven.count)")
    }

    /// The dead letters of the group the path names: only a group that has them.
    private func deadLetters(_ context: KinexusRequestContext) async throws -> DeadLetters {
        let group = context.pathParameter("group")
        guard try await redis.send("EXISTS", DeadLetters.streamKey(group: group)).integer == 1 else {
            throw ConsoleRefusal.notFound("dead letter queue for the group \(group)")
        }
        return DeadLetters(redis: redis, group: group)
    }

    static func path(_ group: String) -> String {
        "/console/operations/dead-letters/" + pathSegment(group)
    }
}
