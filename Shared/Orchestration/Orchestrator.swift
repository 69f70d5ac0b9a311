import DocumentWriting
import Foundation
import KinexusBus
import KinexusEvents

/// ChangeDetected → the next version of the ticket's document → DocumentGenerated; RevisionRequested →
/// a version answering the reviewer → DocumentGenerated.
public struct Orchestrator: Sendable {
    let store: DocumentStore
    let writer: any TextGenerator

    public init(store: DocumentStore, writer: any TextGenerator) {
        self.store = store
        self.writer = writer
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
        // The original titled every Jira document "Documentation"; the ticket's summary says what it is.
        let title = change.summary
        let writer = self.writer
        let version = try await store.writeVersion(for: change, eventID: context.eventID, title: title) { current in
            if let current {
                return try await writer.updatedDocument(current, for: change, title: title)
            }
            return try await writer.newDocument(for: change, title: title)
        }
        try await announce(version, context: context)
    }

    func revise(_ revision: RevisionRequested, context: EventContext) async throws {
        guard let documentID = UUID(uuidString: revision.documentID) else {
            throw InvalidReference(field: "document_id", value: revision.documentID)
        }
        let writer = self.writer
        let version = try await store.writeRevision(of: documentID, eventID: context.eventID, feedback: revision.feedback) {
            current in try await writer.revisedDocument(current, feedback: revision.feedback, reviewer: revision.reviewer)
        }
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
