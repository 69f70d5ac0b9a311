import Foundation
import Hummingbird
import Orchestration
import KinexusServiceKit
import Logging
import PostgresNIO

/// Read-only queries over the documentation tables: `GET /documents`, `GET /documents/{id}` (with its
/// versions and reviews) and `GET /documents/{id}/versions/{n}` (the markdown).
public struct DocumentsAPI: Sendable {
    let postgres: PostgresClient
    let documents: DocumentStore
    let apiToken: String?
    let logger: Logger

    public init(postgres: PostgresClient, apiToken: String?, logger: Logger) {
        self.postgres = postgres
        documents = DocumentStore(client: postgres, logger: logger)
        self.apiToken = apiToken
        self.logger = logger
    }

    struct Document: Encodable {
        let documentID: String
        let origin: String
        let ticketKey: String
        let title: String
        let status: String
        let currentVersion: Int
        let updatedAt: Date
        var versions: [Version]?
        var reviews: [Review]?

        enum CodingKeys: String, CodingKey {
            case documentID = "document_id", origin, ticketKey = "ticket_key", title, status
            case currentVersion = "current_version", updatedAt = "updated_at", versions, reviews
        }
    }

    struct Version: Encodable {
        let version: Int
        let changeID: String?
        let feedback: String?
        let createdAt: Date

        enum CodingKeys: String, CodingKey {
            case version, changeID = "change_id", feedback, createdAt = "created_at"
        }
    }

    struct Review: Encodable {
        let reviewID: String
        let version: Int
        let summary: String
        let decision: String?

        enum CodingKeys: String, CodingKey {
            case reviewID = "review_id", version, summary, decision
        }
    }

    public func add(to router: Router<BasicRequestContext>) {
        let api = router.group().add(middleware: APITokenAuthentication(apiToken: apiToken))
        api.get("/documents") { _, _ in
            jsonResponse(.ok, ["documents": try await documents(id: nil)])
        }
        api.get("/documents/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let uuid = UUID(uuidString: id), var document = try await documents(id: uuid).first else {
                return notFound("no document \(id)")
            }
            document.versions = try await versions(uuid)
            document.reviews = try await reviews(uuid)
            return jsonResponse(.ok, document)
        }
        api.get("/documents/:id/versions/:version") { _, context in
            let id = context.parameters.get("id") ?? "", number = context.parameters.get("version") ?? ""
            guard let uuid = UUID(uuidString: id), let version = Int(number) else {
                return notFound("no version \(number) of document \(id)")
            }
            guard let markdown = try await documents.markdown(of: uuid, version: version) else {
                return notFound("no version \(number) of document \(id)")
            }
            return Response(status: .ok, headers: [.contentType: "text/markdown; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: markdown)))
        }
    }

    private func documents(id: UUID?) async throws -> [Document] {
        var documents: [Document] = []
        guard let rows = try await postgres.queryIfTablesExist("""
            SELECT document_id, origin, ticket_key, title, status, current_version, updated_at FROM docs.documents
            WHERE \(id)::uuid IS NULL OR document_id = \(id)
            ORDER BY updated_at DESC LIMIT 500
            """, logger: logger) else { return [] }
        for try await (document, origin, key, title, status, version, updated)
            in rows.decode((UUID, String, String, String, String, Int, Date).self) {
            documents.append(Document(documentID: document.uuidString.lowercased(), origin: origin, ticketKey: key,
                                      title: title, status: status, currentVersion: version, updatedAt: updated))
        }
        return documents
    }

    private func versions(_ id: UUID) async throws -> [Version] {
        var versions: [Version] = []
        guard let rows = try await postgres.queryIfTablesExist("""
            SELECT version, change_id, feedback, created_at FROM docs.document_versions
            WHERE document_id = \(id) ORDER BY version
            """, logger: logger) else { return [] }
        for try await (version, change, feedback, created) in rows.decode((Int, String?, String?, Date).self) {
            versions.append(Version(version: version, changeID: change, feedback: feedback, createdAt: created))
        }
        return versions
    }

    /// The reviewer's reviews with the approver's decisions; either service may not have started yet.
    private func reviews(_ id: UUID) async throws -> [Review] {
        var reviews: [Review] = []
        guard let rows = try await postgres.queryIfTablesExist("""
            SELECT r.review_id, r.version, r.summary, d.decision
            FROM docs.reviews r LEFT JOIN docs.decisions d USING (review_id)
            WHERE r.document_id = \(id) ORDER BY r.version
            """, otherwise: """
            SELECT review_id, version, summary, NULL::text FROM docs.reviews WHERE document_id = \(id) ORDER BY version
            """, logger: logger) else { return [] }
        for try await (review, version, summary, decision) in rows.decode((UUID, Int, String, String?).self) {
            reviews.append(Review(reviewID: review.uuidString.lowercased(), version: version, summary: summary, decision: decision))
        }
        return reviews
    }

    private func notFound(_ message: String) -> Response {
        jsonResponse(.notFound, ErrorBody(error: message, code: "not_found"))
    }
}
