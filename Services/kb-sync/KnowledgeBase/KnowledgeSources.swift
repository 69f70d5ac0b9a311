import Foundation
import KinexusPostgres
import Logging
import PostgresNIO

/// Where knowledge comes from, read from the tables of the services that own it: the ingress's bucket
/// objects, and the approver's publications with the orchestrator's document versions.
struct KnowledgeSources: Sendable {
    let client: PostgresClient
    let logger: Logger

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The bucket object as it is now; nil when it is gone.
    func object(_ key: String) async throws -> KnowledgeSource? {
        try await objects(key: key).first
    }

    func allObjects() async throws -> [KnowledgeSource] {
        try await objects(key: nil)
    }

    private func objects(key: String?) async throws -> [KnowledgeSource] {
        var found: [KnowledgeSource] = []
        guard let rows = try await client.queryIfTablesExist("""
            SELECT key, content FROM bucket.objects WHERE \(key)::text IS NULL OR key = \(key) ORDER BY key
            """, logger: logger) else { return [] }
        for try await (key, content) in rows.decode((String, String).self) {
            found.append(KnowledgeSource(kind: .object, location: key, title: Self.title(of: content, key: key), text: content))
        }
        return found
    }

    /// The page at `address` as last published.
    func page(at address: String) async throws -> KnowledgeSource? {
        try await pages(address: address).first
    }

    /// Every published page, each as last published.
    func allPages() async throws -> [KnowledgeSource] {
        try await pages(address: nil)
    }

    private func pages(address: String?) async throws -> [KnowledgeSource] {
        var found: [KnowledgeSource] = []
        guard let rows = try await client.queryIfTablesExist("""
            SELECT DISTINCT ON (p.page_url) p.page_url, d.title, v.markdown
            FROM docs.publications p
            JOIN docs.document_versions v ON v.document_id = p.document_id AND v.version = p.version
            JOIN docs.documents d ON d.document_id = p.document_id
            WHERE \(address)::text IS NULL OR p.page_url = \(address)
            ORDER BY p.page_url, p.published_at DESC
            """, logger: logger) else { return [] }
        for try await (address, title, markdown) in rows.decode((String, String, String).self) {
            found.append(KnowledgeSource(kind: .page, location: address, title: title, text: markdown))
        }
        return found
    }

    /// The first level-1 heading, else the key's file name.
    static func title(of markdown: String, key: String) -> String {
        for line in markdown.split(separator: "\n").prefix(20) where line.hasPrefix("# ") {
            return line.dropFirst(2).trimmingCharacters(in: .whitespaces)
        }
        return String(key.split(separator: "/").last ?? Substring(key))
    }
}
