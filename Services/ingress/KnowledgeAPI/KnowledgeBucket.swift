import Foundation
import KinexusPostgres
import KnowledgeIndexing
import Logging
import PostgresNIO

/// The ingress's `bucket` tables: the knowledge objects and the full syncs asked for.
public struct KnowledgeBucket: Sendable {
    let client: PostgresClient
    let logger: Logger

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static func migrations() throws -> [Migration] {
        try Migration.loadBundled(Bundle.module.url(forResource: "Migrations", withExtension: nil), owner: "knowledge-bucket")
    }

    /// Stores the object; answers its content hash and whether it existed before.
    func put(key: String, content: String, contentType: String) async throws -> (hash: String, replaced: Bool) {
        let hash = ContentHash.of(content)
        let rows = try await client.tracedQuery("""
            INSERT INTO bucket.objects (key, content, content_type, content_hash, size)
            VALUES (\(key), \(content), \(contentType), \(hash), \(content.utf8.count))
            ON CONFLICT (key) DO UPDATE SET content = excluded.content, content_type = excluded.content_type,
                content_hash = excluded.content_hash, size = excluded.size, updated_at = now()
            RETURNING (xmax <> 0)
            """, logger: logger)
        for try await replaced in rows.decode(Bool.self) { return (hash, replaced) }
        return (hash, false)
    }

    /// Deletes the object; answers whether there was one.
    func delete(key: String) async throws -> Bool {
        let rows = try await client.tracedQuery("DELETE FROM bucket.objects WHERE key = \(key) RETURNING 1", logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// An object as lists show it.
    public struct Object: Sendable {
        public let key: String
        public let contentType: String
        public let size: Int
        public let updatedAt: Date
    }

    func list(from bound: PageBound?, limit: Int) async throws -> [Object] {
        let page = KeysetPage(bound, newestFirst: false, firstID: "")
        let rows = try await client.tracedQuery("""
            SELECT key, content_type, size, updated_at FROM bucket.objects WHERE key \(unescaped: page.comparison) \(page.id)
            ORDER BY key \(unescaped: page.order) LIMIT \(limit)
            """, logger: logger)
        var objects: [Object] = []
        for try await (key, type, size, updated) in rows.decode((String, String, Int, Date).self) {
            objects.append(Object(key: key, contentType: type, size: size, updatedAt: updated))
        }
        return page.rows(objects)
    }

    func recordSync(_ jobID: UUID) async throws {
        try await client.tracedQuery("INSERT INTO bucket.sync_requests (job_id) VALUES (\(jobID))", logger: logger)
    }

    func forgetSync(_ jobID: UUID) async throws {
        try await client.tracedQuery("DELETE FROM bucket.sync_requests WHERE job_id = \(jobID)", logger: logger)
    }

    func syncRequested(_ jobID: UUID) async throws -> Date? {
        let rows = try await client.tracedQuery("SELECT requested_at FROM bucket.sync_requests WHERE job_id = \(jobID)", logger: logger)
        for try await requested in rows.decode(Date.self) { return requested }
        return nil
    }
}
