import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusPostgres
import Logging
import PostgresNIO

/// The orchestrator's `docs` tables: documents and their versions, written once per event, here only.
struct DocumentStore: Sendable {
    struct Version: Sendable, Equatable {
        let documentID: UUID
        let version: Int
        let title: String
        let origin: String
        let ticketKey: String
        let changeID: String?
    }

    /// What a document is written from: a change to a ticket, or a knowledge gap's request for its article;
    /// kept whole in `docs.changes`.
    struct Source: Sendable {
        let changeID: String
        let origin: String
        let ticketKey: String
        let detail: JSONValue

        init(_ change: ChangeDetected) throws {
            (changeID, origin, ticketKey, detail) = (change.changeID, change.origin, change.ticketKey, try JSONValue(encoding: change))
        }

        init(_ request: KnowledgeArticleRequested, eventID: String) throws {
            (changeID, origin, ticketKey, detail) = (eventID, KnowledgeArticleRequested.documentOrigin, request.gapID,
                                                      try JSONValue(encoding: request))
        }
    }

    let client: PostgresClient
    let logger: Logger

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The orchestrator's migrations, shipped beside the executable.
    static func migrations() throws -> [Migration] {
        try Migration.loadBundled(Bundle.module.url(forResource: "Migrations", withExtension: nil), owner: "orchestrator")
    }

    /// A document as it stands: what a writer starts from, and the version a write must follow.
    struct Current: Sendable, Equatable {
        let documentID: UUID
        let origin: String
        let ticketKey: String
        let version: Int
        let title: String
        let markdown: String
    }

    /// Runs `body` holding the lock of the ticket's document, waiting while another change to it is applied:
    /// changes to one document are written one after another, each from the version the one before left.
    func whileHoldingDocument<Result: Sendable>(
        origin: String, ticketKey: String, _ body: () async throws -> Result
    ) async throws -> Result {
        try await client.whileHolding(lock: "document:\(origin):\(ticketKey)", logger: logger, body)
    }

    /// Serializes the transactions handling one event (two replicas, or two deliveries racing) and answers
    /// the version an earlier one wrote, if any: the idempotency check of every handler.
    private func claim(_ eventID: String, on connection: PostgresConnection) async throws -> Version? {
        try await connection.tracedQuery("SELECT pg_advisory_xact_lock(hashtextextended(\(eventID), 0))", logger: logger)
        return try await version(writtenBy: eventID, on: connection)
    }

    /// The version an event already wrote, if any.
    func version(writtenBy eventID: String) async throws -> Version? {
        try await client.withConnection { try await version(writtenBy: eventID, on: $0) }
    }

    private func version(writtenBy eventID: String, on connection: PostgresConnection) async throws -> Version? {
        let rows = try await connection.tracedQuery("""
            SELECT v.document_id, v.version, d.title, d.origin, d.ticket_key, v.change_id
            FROM docs.document_versions v JOIN docs.documents d USING (document_id)
            WHERE v.event_id = \(eventID)
            """, logger: logger)
        for try await (id, version, title, origin, key, change) in rows.decode((UUID, Int, String, String, String, String?).self) {
            return Version(documentID: id, version: version, title: title, origin: origin, ticketKey: key, changeID: change)
        }
        return nil
    }

    /// The ticket's document, if the ticket has one.
    func current(origin: String, ticketKey: String) async throws -> Current? {
        try await first(try await client.tracedQuery("""
            \(unescaped: Self.selectCurrent) WHERE d.origin = \(origin) AND d.ticket_key = \(ticketKey) AND d.current_version > 0
            """, logger: logger))
    }

    func current(documentID: UUID) async throws -> Current? {
        try await first(try await client.tracedQuery("""
            \(unescaped: Self.selectCurrent) WHERE d.document_id = \(documentID) AND d.current_version > 0
            """, logger: logger))
    }

    private static let selectCurrent = """
        SELECT d.document_id, d.origin, d.ticket_key, d.current_version, d.title, coalesce(v.markdown, '')
        FROM docs.documents d
        LEFT JOIN docs.document_versions v ON v.document_id = d.document_id AND v.version = d.current_version
        """

    private func first(_ rows: PostgresRowSequence) async throws -> Current? {
        for try await (id, origin, key, version, title, markdown) in rows.decode((UUID, String, String, Int, String, String).self) {
            return Current(documentID: id, origin: origin, ticketKey: key, version: version, title: title, markdown: markdown)
        }
        return nil
    }

    /// Stores `markdown` as the version after `basedOn` (0 for a new document) of the source's document,
    /// or answers the version this event already wrote; `base` is the published page a new document updates.
    /// The text is written before this is called, outside any transaction: a model may take a minute, and no
    /// row stays locked meanwhile.
    func writeVersion(
        for source: Source, eventID: String, title: String, basedOn expected: Int, markdown: String,
        startingFrom base: String? = nil
    ) async throws -> Version {
        try await client.transaction(logger: logger) { connection in
            if let existing = try await claim(eventID, on: connection) { return existing }
            try await connection.tracedQuery("""
                INSERT INTO docs.changes (change_id, origin, ticket_key, detail)
                VALUES (\(source.changeID), \(source.origin), \(source.ticketKey), \(source.detail.jsonText)::jsonb)
                ON CONFLICT (change_id) DO NOTHING
                """, logger: logger)
            let documentRows = try await connection.tracedQuery("""
                INSERT INTO docs.documents (origin, ticket_key, title, status, base_markdown)
                VALUES (\(source.origin), \(source.ticketKey), \(title), 'generating', \(base))
                ON CONFLICT (origin, ticket_key) DO UPDATE SET updated_at = now()
                RETURNING document_id
                """, logger: logger)
            var documentID: UUID?
            for try await id in documentRows.decode(UUID.self) { documentID = id }
            guard let documentID else { throw StoreError.noDocument(source.ticketKey) }
            return try await appendVersion(markdown, to: documentID, basedOn: expected, eventID: eventID,
                                           changeID: source.changeID, feedback: nil, on: connection)
        }
    }

    /// Stores `markdown`, answering a reviewer's feedback, as the version after `basedOn`.
    func writeRevision(
        of documentID: UUID, eventID: String, feedback: String, basedOn expected: Int, markdown: String
    ) async throws -> Version {
        try await client.transaction(logger: logger) { connection in
            if let existing = try await claim(eventID, on: connection) { return existing }
            return try await appendVersion(markdown, to: documentID, basedOn: expected, eventID: eventID, changeID: nil,
                                           feedback: feedback, on: connection)
        }
    }

    /// Locks the document's row and appends the next version, unless another version was written since the
    /// text was (a writer outside the document's lock): then the event is retried and its text written again.
    private func appendVersion(
        _ markdown: String, to documentID: UUID, basedOn expected: Int, eventID: String, changeID: String?,
        feedback: String?, on connection: PostgresConnection
    ) async throws -> Version {
        let rows = try await connection.tracedQuery("""
            SELECT current_version, title, origin, ticket_key FROM docs.documents WHERE document_id = \(documentID) FOR UPDATE
            """, logger: logger)
        var found: (Int, String, String, String)?
        for try await row in rows.decode((Int, String, String, String).self) { found = row }
        guard let (current, title, origin, ticketKey) = found else { throw StoreError.noDocument(documentID.uuidString) }
        guard current == expected else { throw StoreError.movedOn(documentID.uuidString, expected: expected, found: current) }
        let next = current + 1
        try await connection.tracedQuery("""
            INSERT INTO docs.document_versions (document_id, version, markdown, event_id, change_id, feedback)
            VALUES (\(documentID), \(next), \(markdown), \(eventID), \(changeID), \(feedback))
            """, logger: logger)
        try await connection.tracedQuery("""
            UPDATE docs.documents SET current_version = \(next), status = 'generated', updated_at = now()
            WHERE document_id = \(documentID)
            """, logger: logger)
        return Version(documentID: documentID, version: next, title: title, origin: origin, ticketKey: ticketKey, changeID: changeID)
    }

    enum StoreError: Error, Equatable, CustomStringConvertible, CodedError {
        case noDocument(String)
        case movedOn(String, expected: Int, found: Int)

        var description: String {
            switch self {
            case .noDocument(let reference): "no document for \(reference)"
            case .movedOn(let document, let expected, let found):
                "document \(document) reached version \(found) while version \(expected + 1) was being written; writing it again"
            }
        }

        var code: String {
            switch self {
            case .noDocument: "no_document"
            case .movedOn: "document_moved_on"
            }
        }
    }
}
