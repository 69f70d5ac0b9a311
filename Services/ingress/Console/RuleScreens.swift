import DeliveryQueries
import EventBridgeRules
import Foundation
import Hummingbird
import KinexusBus
import KinexusRedis
import KinexusServiceKit
import RuleQueries

/// For admins, on Operations: the rules users made through the AWS endpoint, each with its targets, how their
/// deliveries went in the last day and their dead letters; a rule's page lists its latest attempts.
struct RuleScreens: Sendable {
    let rules: RuleQueries
    let deliveries: DeliveryQueries
    let redis: RedisClient
    let templates: ConsoleTemplates

    struct TargetRow {
        let rule: String
        let id: String
        let destination: String
        let delivered: Int
        let retried: Int
        let deadLettered: Int
        let deadLetters: Int
        let deadLettersURL: String?
        let lastAttempt: String
    }

    struct RuleRow {
        let name: String
        let url: String
        let state: String
        let pattern: String
        let targets: [TargetRow]
    }

    /// Every rule with its targets, for the Operations page.
    func rows() async throws -> [RuleRow] {
        let destinations = Dictionary(try await rules.destinations(limit: nil).map { ($0.name, $0) }) { first, _ in first }
        let summaries = Dictionary(try await deliveries.summaries(since: Date() - 86_400).map { ("\($0.rule)\n\($0.target)", $0) }) { first, _ in first }
        var rows: [RuleRow] = []
        for rule in try await rules.rules(limit: 1000) {
            var targets: [TargetRow] = []
            for target in try await rules.targets(of: rule.name) {
                targets.append(try await row(rule: rule.name, target: target, destinations: destinations,
                                             summary: summaries["\(rule.name)\n\(target.id)"]))
            }
            rows.append(RuleRow(name: rule.name, url: Self.path(rule.name), state: rule.enabled ? "enabled" : "disabled",
                                pattern: rule.eventPattern, targets: targets))
        }
        return rows
    }

    struct AttemptRow {
        let at: String
        let target: String
        let eventID: String
        let trailURL: String
        let attempt: Int
        let outcome: String
        let status: String
        let error: String
        let duration: String
    }

    struct RuleView {
        let chrome: Chrome?
        let rule: RuleRow
        let description: String?
        let attempts: [AttemptRow]
    }

    func page(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let name = context.pathParameter("name")
        guard let rule = try await rules.rule(named: name) else { throw ConsoleRefusal.notFound("rule \(name)") }
        let destinations = Dictionary(try await rules.destinations(limit: nil).map { ($0.name, $0) }) { first, _ in first }
        let summaries = try await deliveries.summaries(since: Date() - 86_400).filter { $0.rule == name }
        var targets: [TargetRow] = []
        for target in try await rules.targets(of: name) {
            targets.append(try await row(rule: name, target: target, destinations: destinations, summary: summaries.first { $0.target == target.id }))
        }
        let attempts = try await deliveries.attempts(rule: name, limit: 100).map {
            AttemptRow(at: shown($0.at), target: $0.target, eventID: $0.eventID, trailURL: OperationScreens.trailPath($0.eventID),
                       attempt: $0.attempt, outcome: $0.outcome.replacingOccurrences(of: "_", with: " "),
                       status: $0.statusCode.map(String.init) ?? "—", error: $0.error ?? "", duration: "\($0.durationMilliseconds) ms")
        }
        let row = RuleRow(name: name, url: Self.path(name), state: rule.enabled ? "enabled" : "disabled", pattern: rule.eventPattern, targets: targets)
        return try templates.page("rule", RuleView(chrome: Chrome(context), rule: row, description: rule.description, attempts: attempts))
    }

    private func row(rule: String, target: TargetDefinition, destinations: [String: DestinationRecord], summary: DeliveryQueries.TargetSummary?)
        async throws -> TargetRow
    {
        let group = "rule.\(rule).\(target.id)"
        let letters = try await DeadLetters(redis: redis, group: group).count()
        let destination = destinations[target.destinationName].map {
            "\($0.method) \($0.endpoint) (\($0.rateLimitPerSecond.map { "\($0)/s" } ?? "no limit"))"
        } ?? "\(target.destinationName) (deleted)"
        return TargetRow(rule: rule, id: target.id, destination: destination, delivered: summary?.delivered ?? 0, retried: summary?.retried ?? 0,
                         deadLettered: summary?.deadLettered ?? 0, deadLetters: letters,
                         deadLettersURL: letters > 0 ? OperationScreens.path(group) : nil,
                         lastAttempt: summary?.lastAttempt.map { waited(since: $0) }.map { $0 == "just now" ? $0 : $0 + " ago" } ?? "—")
    }

    static func path(_ name: String) -> String {
        "/console/operations/rules/" + pathSegment(name)
    }
}
