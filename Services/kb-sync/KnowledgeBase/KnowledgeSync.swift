import Foundation
import KinexusBus
import KinexusEvents
import KinexusPostgres
import KnowledgeIndexing
import KnowledgeQueries
import Logging
import PostgresNIO

/// kb-sync's handlers. A change of a bucket object or a publication of a page brings that one source in
/// line with what its owner holds now (so a late or repeated event changes nothing); a sync request brings
/// every source in line, one run at a time, requests made meanwhile coalescing into the next run.
public struct KnowledgeSync: Sendable {
    let store: KnowledgeStore
    let sources: KnowledgeSources
    let runs: SyncRuns
    let chunker: MarkdownChunker
    let embedder: any Embedder
    let consumer: String
    let logger: Logger

    init(
        store: KnowledgeStore, sources: KnowledgeSources, runs: SyncRuns, chunker: MarkdownChunker, embedder: any Embedder,
        consumer: String, logger: Logger
    ) {
        self.store = store
        self.sources = sources
        self.runs = runs
        self.chunker = chunker
        self.embedder = embedder
        self.consumer = consumer
        self.logger = logger
    }

    /// kb-sync as its `main` runs it: the embedder `KINEXUS_EMBEDDINGS_*` configures, which must be the one
    /// the retrievers of the ingress and customer-context use.
    public static func composed(postgres: PostgresClient, consumer: String, environment: [String: String], logger: Logger) throws
        -> KnowledgeSync
    {
        KnowledgeSync(
            store: KnowledgeStore(client: postgres, logger: logger), sources: KnowledgeSources(client: postgres, logger: logger),
            runs: SyncRuns(client: postgres, logger: logger), chunker: MarkdownChunker(),
            embedder: try EmbedderConfiguration.embedder(environment: environment, logger: logger), consumer: consumer, logger: logger)
    }

    public static func migrations() throws -> [Migration] {
        try KnowledgeStore.migrations()
    }

    public func subscriptions() throws -> [Subscription] {
        [
            try Subscription(KnowledgeObjectChanged.self, from: [.kb]) { change, context in
                try await reconcile(KnowledgeSource.Kind.object, location: change.key, current: try await sources.object(change.key),
                                    logger: context.logger)
            },
            try Subscription(DocumentationPublished.self, from: [.approval]) { published, context in
                try await reconcile(.page, location: published.pageURL, current: try await sources.page(at: published.pageURL),
                                    logger: context.logger)
            },
            try Subscription(KbSyncRequested.self, from: [.kb], concurrency: 4) { request, context in
                try await sync(request, context: context)
            },
        ]
    }

    /// Indexes the source as it is now, or deletes it when its owner no longer has it.
    func reconcile(_ kind: KnowledgeSource.Kind, location: String, current: KnowledgeSource?, logger: Logger) async throws {
        guard let current else {
            let deleted = try await store.delete("\(kind.rawValue):\(location)")
            logger.info("knowledge source gone", metadata: ["source": "\(location)", "deleted": "\(deleted)"])
            return
        }
        let outcome = try await store.index(current, chunker: chunker, embedder: embedder)
        logger.info("knowledge source indexed", metadata: ["source": "\(location)", "outcome": "\(outcome)"])
    }

    func sync(_ request: KbSyncRequested, context: EventContext) async throws {
        guard let job = UUID(uuidString: request.jobID) else {
            throw InvalidJob(jobID: request.jobID)
        }
        try await runs.attach(job)
        // Whoever holds the runner's lock runs every queued run, and looks at the queue again after letting
        // go; so a request that finds the lock taken can leave its run to the holder.
        repeat {
            let ran = try await runs.whileRunner {
                try await runs.requeueAbandoned()
                while let run = try await runs.takeQueued(consumer: consumer) {
                    try await execute(run, context: context)
                }
            }
            guard ran else { return }
        } while try await runs.hasQueued()
    }

    private func execute(_ run: UUID, context: EventContext) async throws {
        var counts = SyncRuns.Counts()
        do {
            for kind in [KnowledgeSource.Kind.object, .page] {
                let current = kind == .object ? try await sources.allObjects() : try await sources.allPages()
                for source in current {
                    switch try await store.index(source, chunker: chunker, embedder: embedder) {
                    case .unchanged: counts.unchanged += 1
                    case .indexed(let chunks):
                        counts.indexed += 1
                        counts.chunks += chunks
                    }
                }
                for stale in try await store.sourceIDs(kind).subtracting(current.map(\.id)) where try await store.delete(stale) {
                    counts.deleted += 1
                }
            }
        } catch {
            logger.error("knowledge sync failed", metadata: ["run_id": "\(run)", "error": "\(String(reflecting: error))"])
            _ = try await runs.finish(run, counts: counts, error: "\(error)")
            return
        }
        let jobs = try await runs.finish(run, counts: counts, error: nil)
        logger.info("knowledge synced", metadata: [
            "run_id": "\(run)", "jobs": "\(jobs.count)", "indexed": "\(counts.indexed)", "unchanged": "\(counts.unchanged)",
            "deleted": "\(counts.deleted)", "chunks": "\(counts.chunks)",
        ])
        for job in jobs {
            try await context.publish(
                KbSyncCompleted(jobID: job.uuidString.lowercased(), sourcesIndexed: counts.indexed, sourcesDeleted: counts.deleted,
                                chunksIndexed: counts.chunks),
                source: .kb, id: EventID.derived(from: "kb-sync-completed/\(job.uuidString.lowercased())"))
        }
    }

    struct InvalidJob: CodedError, CustomStringConvertible {
        let jobID: String
        var code: String { "invalid_job_id" }
        var isPermanent: Bool { true }
        var description: String { "job_id '\(jobID)' is not a UUID" }
    }
}
