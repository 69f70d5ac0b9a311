import DocumentWriting
import Foundation
import KinexusBus
import KinexusEvents
import KinexusPostgres
import LanguageModels
import Logging
import PostgresNIO

/// ChangeDetected → the ticket's document, a related published page brought up to date, or a new page →
/// the next version → DocumentGenerated; KnowledgeArticleRequested → the knowledge gap's article (its next
/// version when the gap reopened) → DocumentGenerated; RevisionRequested → a version answering the reviewer. Changes to
/// one document are applied one after another, under the document's lock; a change that leaves the text
/// as it is adds no version.
public struct Orchestrator: Sendable {
    let store: DocumentStore
    let writer: any TextGenerator
    let pages: any PageFinder

    init(store: DocumentStore, writer: any TextGenerator, pages: any PageFinder) {
        self.store = store
        self.writer = writer
        self.pages = pages
    }

    /// The orchestrator as its `main` runs it: the writer `KINEXUS_LLM_*` configures, the page store and
    /// Confluence (when configured) to find related pages.
    public static func composed(postgres: PostgresClient, environment: [String: String], logger: Logger) throws -> Orchestrator {
        Orchestrator(store: DocumentStore(client: postgres, logger: logger),
                     writer: try WriterConfiguration.writer(environment: environment, logger: logger),
                     pages: try PageFinders.configured(environment: environment, postgres: postgres, logger: logger))
    }

    public static func migrations() throws -> [Migration] {
        try DocumentStore.migrations()
    }

    public func subscriptions() throws -> [Subscription] {
        [
            try Subscription(ChangeDetected.self, from: [.jira, .github]) { change, context in
                try await document(change, context: context)
            },
            try Subscription(KnowledgeArticleRequested.self, from: [.support]) { request, context in
                try await article(request, context: context)
            },
            try Subscription(RevisionRequested.self, from: [.approval]) { revision, context in
                try await revise(revision, context: context)
            },
        ]
    }

    func document(_ change: ChangeDetected, context: EventContext) async throws {
        let version = try await store.whileHoldingDocument(origin: change.origin, ticketKey: change.ticketKey) {
            try await write(change, context: context)
        }
        guard let version else {
            return context.logger.info("the change leaves the document's text as it is: no new version", metadata: [
                "ticket_key": "\(change.ticketKey)",
            ])
        }
        try await announce(version, context: context)
    }

    /// The version this change writes, or wrote before (a redelivery); nil when its text is the current one's.
    private func write(_ change: ChangeDetected, context: EventContext) async throws -> DocumentStore.Version? {
        if let written = try await store.version(writtenBy: context.eventID) { return written }
        if let current = try await store.current(origin: change.origin, ticketKey: change.ticketKey) {
            let markdown = try await writer.updatedDocument(current.markdown, for: change, title: current.title)
            guard markdown != current.markdown else { return nil }
            return try await store.writeVersion(for: try .init(change), eventID: context.eventID, title: current.title,
                                                basedOn: current.version, markdown: markdown)
        }
        if let page = try await writer.relatedPage(for: change, among: try await pages.candidates(for: change)) {
            context.logger.info("the change updates a related page", metadata: ["page_title": "\(page.title)"])
            let markdown = try await writer.updatedDocument(page.markdown, for: change, title: page.title)
            return try await store.writeVersion(for: try .init(change), eventID: context.eventID, title: page.title, basedOn: 0,
                                                markdown: markdown, startingFrom: page.markdown)
        }
        // The original titled every Jira document "Documentation"; the ticket's summary says what it is.
        let markdown = try await writer.newDocument(for: change, title: change.summary)
        return try await store.writeVersion(for: try .init(change), eventID: context.eventID, title: change.summary,
                                            basedOn: 0, markdown: markdown)
    }

    /// The gap's article, written from its tickets and their answers; a gap drafted again (it reopened) gets
    /// the article's next version. Reviewed and published like any document.
    func article(_ request: KnowledgeArticleRequested, context: EventContext) async throws {
        let origin = KnowledgeArticleRequested.documentOrigin
        let version = try await store.whileHoldingDocument(origin: origin, ticketKey: request.gapID) {
            if let written = try await store.version(writtenBy: context.eventID) { return Optional(written) }
            let current = try await store.current(origin: origin, ticketKey: request.gapID)
            let markdown = try await writer.article(for: request, previous: current?.markdown)
            if let current, markdown == current.markdown { return nil }
            return try await store.writeVersion(for: try .init(request, eventID: context.eventID), eventID: context.eventID,
                                                title: current?.title ?? request.question, basedOn: current?.version ?? 0,
                                                markdown: markdown)
        }
        guard let version else {
            return context.logger.info("the gap's tickets leave its article as it is: no new version", metadata: ["gap_id": "\(request.gapID)"])
        }
        try await announce(version, context: context)
    }

    func revise(_ revision: RevisionRequested, context: EventContext) async throws {
        if let written = try await store.version(writtenBy: context.eventID) {
            return try await announce(written, context: context)
        }
        guard let documentID = UUID(uuidString: revision.documentID),
              let document = try await store.current(documentID: documentID) else {
            throw InvalidReference(field: "document_id", value: revision.documentID)
        }
        let version = try await store.whileHoldingDocument(origin: document.origin, ticketKey: document.ticketKey) {
            if let written = try await store.version(writtenBy: context.eventID) { return written }
            let current = try await store.current(documentID: documentID) ?? document
            let markdown = try await writer.revisedDocument(current.markdown, feedback: revision.feedback, reviewer: revision.reviewer)
            return try await store.writeRevision(of: documentID, eventID: context.eventID, feedback: revision.feedback,
                                                 basedOn: current.version, markdown: markdown)
        }
        try await announce(version, context: context)
    }

    /// A redelivery finds the version already written and announces it again under the same event id.
    private func announce(_ version: DocumentStore.Version, context: EventContext) async throws {
        let generated = DocumentGenerated(
            documentID: version.documentID.uuidString.lowercased(), version: version.version,
            changeID: version.changeID, title: version.title, ticketKey: version.ticketKey, origin: version.origin)
        try await context.publish(generated, source: .orchestrator, id: EventID.derived(from: "generated:" + context.eventID))
        context.logger.info("document version written", metadata: [
            "document_id": "\(generated.documentID)", "version": "\(version.version)",
        ])
    }

    struct InvalidReference: Error, CodedError, CustomStringConvertible {
        let field: String
        let value: String
        var code: String { "invalid_reference" }
        var isPermanent: Bool { true }
        var description: String { "\(field) '\(value)' is not a document id" }
    }
}
