import Foundation
import KinexusBus
import KinexusEvents
import KinexusPostgres
import Logging
import PostgresNIO

/// The orchestrator's `docs` tables: documents and their versions, written once per event.
public struct DocumentStore: Sendable {
    public struct Version: Sendable, Equatable {
        public let documentID: UUID
        public let version: Int
        public let title: String
        public let ticketKey: String
        public let changeID: String?
    }

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The orchestrator's migrations, shipped beside the executable.
    public static func migrations() throws -> [Migration] {
        try Migration.loadBundled(Bundle.module.url(forResource: "Migrations", withExtension: nil), service: "orchestrator")
    }

    /// Serializes the transactions handling one event (two replicas, or two deliveries racing) and answers
    /// the version an earlier one wrote, if any: the idempotency check of every handler.
    private func claim(_ eventID: String, on connection: PostgresConnection) async throws -> Version? {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(eventID), 0))", logger: logger)
        return try await version(writtenBy: eventID, on: connection)
    }

    /// The version an event already wrote, if any.
    func version(writtenBy eventID: String, on connection: PostgresConnection) async throws -> Version? {
        let rows = try await connection.query("""
            SELECT v.document_id, v.version, d.title, d.ticket_key, v.change_id
            FROM docs.document_versions v JOIN docs.documents d USING (document_id)
            WHERE v.event_id = \(eventID)
            """, logger: logger)
        for try await (id, version, title, key, change) in rows.decode((UUID, Int, String, String, String?).self) {
            return Version(documentID: id, version: version, title: title, ticketKey: key, changeID: change)
        }
        return nil
    }

    /// Writes the next version of the ticket's document for a change, or finds the one this event already
    /// wrote. `write` gets the current markdown (nil for a new document) and returns the next.
    public func writeVersion(
        for change: ChangeDetected, eventID: String, title: String, write: @Sendable (String?) async throws -> String
    ) async throws -> Version {
        try await client.withTransaction(logger: logger) { connection in
            if let existing = try await claim(eventID, on: connection) { return existing }
            try await connection.query("""
                INSERT INTO docs.changes (change_id, origin, ticket_key, detail)
                VALUES (\(change.changeID), \(change.origin), \(change.ticketKey), \(try JSONValue(encoding: change).jsonText)::jsonb)
                ON CONFLICT (change_id) DO NOTHING
                """, logger: logger)
            let documentRows = try await connection.query("""
                INSERT INTO docs.documents (origin, ticket_key, title, status)
                VALUES (\(change.origin), \(change.ticketKey), \(title), 'generating')
                ON CONFLICT (origin, ticket_key) DO UPDATE SET updated_at = now()
                RETURNING document_id
                """, logger: logger)
            var documentID: UUID?
            for try await id in documentRows.decode(UUID.self) { documentID = id }
            guard let documentID else { throw StoreError.noDocument(change.ticketKey) }
            return try await appendVersion(to: documentID, eventID: eventID, changeID: change.changeID,
                                           feedback: nil, on: connection, write: write)
        }
    }

    /// Writes the next version of an existing document answering a reviewer's feedback.
    public func writeRevision(
        of documentID: UUID, eventID: String, feedback: String, write: @Sendable (String) async throws -> String
    ) async throws -> Version {
        try await client.withTransaction(logger: logger) { connection in
            if let existing = try await claim(eventID, on: connection) { return existing }
            return try await appendVersion(to: documentID, eventID: eventID, changeID: nil, feedback: feedback,
                                           on: connection) { current in
                guard let current else { throw StoreError.noDocument(documentID.uuidString) }
                return try await write(current)
            }
        }
    }

    /// Locks the document's row, so concurrent events for one document number their versions in turn.
    private func appendVersion(
        to documentID: UUID, eventID: String, changeID: String?, feedback: String?, on connection: PostgresConnection,
        write: @Sendable (String?) async throws -> String
    ) async throws -> Version {
        let rows = try await connection.query("""
            SELECT d.current_version, d.title, d.ticket_key, v.markdown
            FROM docs.documents d
            LEFT JOIN docs.document_versions v ON v.document_id = d.document_id AND v.version = d.current_version
            WHERE d.document_id = \(documentID)
            FOR UPDATE OF d
            """, logger: logger)
        var found: (Int, String, String, String?)?
        for try await row in rows.decode((Int, String, String, String?).self) { found = row }
        guard let (current, title, ticketKey, markdown) = found else { throw StoreError.noDocument(documentID.uuidString) }
        let next = current + 1
        let text = try await write(markdown)
        try await connection.query("""
            INSERT INTO docs.document_versions (document_id, version, markdown, event_id, change_id, feedback)
            VALUES (\(documentID), \(next), \(text), \(eventID), \(changeID), \(feedback))
            """, logger: logger)
        try await connection.query("""
            UPDATE docs.documents SET current_version = \(next), status = 'generated', updated_at = now()
            WHERE document_id = \(documentID)
            """, logger: logger)
        return Version(documentID: documentID, version: next, title: title, ticketKey: ticketKey, changeID: changeID)
    }

    public func markdown(of documentID: UUID, version: Int) async throws -> String? {
        let rows = try await client.query("""
            SELECT markdown FROM docs.document_versions WHERE document_id = \(documentID) AND version = \(version)
            """, logger: logger)
        for try await markdown in rows.decode(String.self) { return markdown }
        return nil
    }

    public enum StoreError: Error, Equatable, CustomStringConvertible, CodedError {
        case noDocument(String)

        public var description: String {
            switch self {
            case .noDocument(let reference): "no document for \(reference)"
            }
        }

        public var code: String { "no_document" }
    }
}
