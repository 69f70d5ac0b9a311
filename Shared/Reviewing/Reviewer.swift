import DocumentReview
import Foundation
import KinexusBus
import KinexusEvents
import KinexusPostgres
import Logging
import PostgresNIO

/// DocumentGenerated → the previous and the new version compared → a review with its diff page → ReviewRequested.
public struct Reviewer: Sendable {
    let client: PostgresClient
    let links: DiffLink
    let logger: Logger

    public init(client: PostgresClient, links: DiffLink, logger: Logger) {
        self.client = client
        self.links = links
        self.logger = logger
    }

    public static func migrations() throws -> [Migration] {
        try Migration.loadBundled(Bundle.module.url(forResource: "Migrations", withExtension: nil), service: "reviewer")
    }

    public func subscriptions() throws -> [Subscription] {
        [try Subscription(DocumentGenerated.self, from: [.orchestrator]) { generated, context in
            try await review(generated, context: context)
        }]
    }

    struct VersionMissing: Error, CodedError, CustomStringConvertible {
        let documentID: String
        let version: Int
        var code: String { "version_missing" }
        var isPermanent: Bool { true }
        var description: String { "document \(documentID) has no version \(version)" }
    }

    func review(_ generated: DocumentGenerated, context: EventContext) async throws {
        guard let documentID = UUID(uuidString: generated.documentID) else {
            throw VersionMissing(documentID: generated.documentID, version: generated.version)
        }
        guard let new = try await markdown(documentID, generated.version) else {
            throw VersionMissing(documentID: generated.documentID, version: generated.version)
        }
        let previousVersion = generated.version > 1 ? generated.version - 1 : nil
        let old = try await previousVersion.asyncMap { try await markdown(documentID, $0) } ?? nil
        let diff = LineDiff(from: old ?? "", to: new)
        let page = DiffPage.html(title: generated.title, fromVersion: previousVersion, toVersion: generated.version,
                                 diff: diff, images: ImageChanges(from: old ?? "", to: new))
        let rows = try await client.query("""
            WITH inserted AS (
                INSERT INTO docs.reviews (document_id, version, title, ticket_key, summary, diff_html, event_id)
                VALUES (\(documentID), \(generated.version), \(generated.title), \(generated.ticketKey), \(diff.summary),
                        \(page), \(context.eventID))
                ON CONFLICT DO NOTHING
                RETURNING review_id)
            SELECT review_id FROM inserted
            UNION ALL
            SELECT review_id FROM docs.reviews WHERE document_id = \(documentID) AND version = \(generated.version)
            LIMIT 1
            """, logger: logger)
        var reviewID: UUID?
        for try await id in rows.decode(UUID.self) { reviewID = id }
        guard let reviewID else { throw VersionMissing(documentID: generated.documentID, version: generated.version) }
        let id = reviewID.uuidString.lowercased()
        let requested = ReviewRequested(reviewID: id, documentID: generated.documentID, version: generated.version,
                                        ticketKey: generated.ticketKey, diffURL: links.url(reviewID: id), summary: diff.summary)
        try await context.publish(requested, source: .reviewer, id: EventID.derived(from: "review:" + context.eventID))
        context.logger.info("review requested", metadata: ["review_id": "\(id)", "summary": "\(diff.summary)"])
    }

    private func markdown(_ documentID: UUID, _ version: Int) async throws -> String? {
        let rows = try await client.query("""
            SELECT markdown FROM docs.document_versions WHERE document_id = \(documentID) AND version = \(version)
            """, logger: logger)
        for try await markdown in rows.decode(String.self) { return markdown }
        return nil
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
