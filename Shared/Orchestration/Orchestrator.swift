import DocumentWriting
import Foundation
import KinexusBus
import KinexusEvents

/// ChangeDetected → the ticket's document, a related published page brought up to date, or a new page →
/// the next version → DocumentGenerated; RevisionRequested → a version answering the reviewer. Text is
/// written before any row is locked; a version written meanwhile sends the event round again.
public struct Orchestrator: Sendable {
    let store: DocumentStore
    let writer: any TextGenerator
    let pages: any PageFinder

    public init(store: DocumentStore, writer: any TextGenerator, pages: any PageFinder) {
        self.store = store
        self.writer = writer
        self.pages = pages
    }

    public func subscriptions() throws -> [Subscription] {
        [
            try Subscription(ChangeDetected.self, from: [.jira, .github]) { change, context in
                try await document(change, context: context)
            },
            try Subscription(RevisionRequested.self, from: [.approval]) { revision, context in
                try await revise(revision, context: context)
            },
        ]
    }

    func document(_ change: ChangeDetected, context: EventContext) async throws {
        if let written = try await store.version(writtenBy: context.eventID) {
            return try await announce(written, context: context)
        }
        let version: DocumentStore.Version
        if let current = try await store.current(origin: change.origin, ticketKey: change.ticketKey) {
            let markdown = try await writer.updatedDocument(current.markdown, for: change, title: current.title)
            version = try await store.writeVersion(for: change, eventID: context.eventID, title: current.title,
                                                   basedOn: current.version, markdown: markdown)
        } else if let page = try await writer.relatedPage(for: change, among: try await pages.candidates(for: change)) {
            context.logger.info("the change updates a related page", metadata: ["page_title": "\(page.title)"])
            let markdown = try await writer.updatedDocument(page.markdown, for: change, title: page.title)
            version = try await store.writeVersion(for: change, eventID: context.eventID, title: page.title, basedOn: 0,
                                                   markdown: markdown, startingFrom: page.markdown)
        } else {
            // The original titled every Jira document "Documentation"; the ticket's summary says what it is.
            let markdown = try await writer.newDocument(for: change, title: change.summary)
            version = try await store.writeVersion(for: change, eventID: context.eventID, title: change.summary,
                                                   basedOn: 0, markdown: markdown)
        }
        try await announce(version, context: context)
    }

    func revise(_ revision: RevisionRequested, context: EventContext) async throws {
        if let written = try await store.version(writtenBy: context.eventID) {
            return try await announce(written, context: context)
        }
        guard let documentID = UUID(uuidString: revision.documentID),
              let current = try await store.current(documentID: documentID) else {
            throw InvalidReference(field: "document_id", value: revision.documentID)
        }
        let markdown = try await writer.revisedDocument(current.markdown, feedback: revision.feedback, reviewer: revision.reviewer)
        let version = try await store.writeRevision(of: documentID, eventID: context.eventID, feedback: revision.feedback,
                                                    basedOn: current.version, markdown: markdown)
        try await announce(version, context: context)
    }

    /// A redelivery finds the version already written and announces it again under the same event id.
    private func announce(_ version: DocumentStore.Version, context: EventContext) async throws {
        let generated = DocumentGenerated(
            documentID: version.documentID.uuidString.lowercased(), version: version.version,
            changeID: version.changeID, title: version.title, ticketKey: version.ticketKey)
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
