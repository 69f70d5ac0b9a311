import Foundation
import Hummingbird
import KinexusBus
import KinexusEvents
import KinexusPostgres
import KinexusServiceKit
import KnowledgeQueries
import Logging
import PostgresNIO

/// The knowledge bucket and the knowledge base through the ingress: `PUT`/`DELETE /kb/objects/{key}`
/// (KnowledgeObjectChanged), `POST /kb/sync` (KbSyncRequested) and `GET /kb/sync/{job}`, and
/// `GET /kb/search?q=…&k=…`, the retrieval tickets use.
public struct KnowledgeAPI: Sendable {
    let bucket: KnowledgeBucket
    let retriever: KnowledgeRetriever
    let publisher: EventPublisher
    let minimumRelevance: Double
    let postgres: PostgresClient
    let logger: Logger

    static let largestObject = 5 * 1024 * 1024
    static let textTypes = ["text/markdown", "text/x-markdown", "text/plain"]

    public init(postgres: PostgresClient, retriever: KnowledgeRetriever, publisher: EventPublisher, minimumRelevance: Double, logger: Logger) {
        bucket = KnowledgeBucket(client: postgres, logger: logger)
        self.retriever = retriever
        self.publisher = publisher
        self.minimumRelevance = minimumRelevance
        self.postgres = postgres
        self.logger = logger
    }

    public static func migrations() throws -> [Migration] {
        try KnowledgeBucket.migrations()
    }

    public var routes: RouteCollection<KinexusRequestContext> {
        let routes = RouteCollection(context: KinexusRequestContext.self)
        routes.put("/kb/objects/**") { request, context in try await put(request, context: context) }
        routes.delete("/kb/objects/**") { _, context in try await delete(key: Self.key(context)) }
        routes.post("/kb/sync") { _, _ in try await sync() }
        routes.get("/kb/sync/:job") { _, context in try await job(context.parameters.get("job") ?? "") }
        routes.get("/kb/search") { request, _ in try await search(request) }
        return routes
    }

    /// The object key: the rest of the path, percent-decoded.
    static func key(_ context: KinexusRequestContext) -> String {
        let raw = context.parameters.get(String(Parameters.recursiveCaptureKey)) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    public struct Stored: ResponseEncodable, Sendable {
        public let key: String
        public let contentHash: String
        public let size: Int

        enum CodingKeys: String, CodingKey { case key, contentHash = "content_hash", size }
    }

    func put(_ request: Request, context: KinexusRequestContext) async throws -> EditedResponse<Stored> {
        let contentType = request.headers[.contentType]?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? "text/markdown"
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.largestObject)
        } catch {
            throw APIError(.contentTooLarge, code: "too_large", "a knowledge object is at most 5 MB")
        }
        let (stored, replaced) = try await store(key: Self.key(context), content: Array(buffer: body), contentType: contentType)
        return EditedResponse(status: replaced ? .ok : .created, response: stored)
    }

    /// Stores a markdown or text object under `key` and announces it, for kb-sync to index.
    @discardableResult
    public func store(key: String, content bytes: [UInt8], contentType: String) async throws -> (Stored, replaced: Bool) {
        if let problem = ObjectKey.problem(with: key) { throw invalid("key", problem) }
        guard Self.textTypes.contains(contentType) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                           "a knowledge object is markdown or text: Content-Type \(Self.textTypes.joined(separator: ", "))")
        }
        guard bytes.count <= Self.largestObject else { throw APIError(.contentTooLarge, code: "too_large", "a knowledge object is at most 5 MB") }
        guard let content = String(validating: bytes, as: UTF8.self) else { throw invalid("body", "is not UTF-8 text") }
        if content.containsNUL { throw APIError.nulCharacter(in: "body") }
        let (hash, replaced) = try await bucket.put(key: key, content: content, contentType: contentType)
        // Every put is a fact of its own (a put of earlier content after another must count): a fresh event id.
        try await publisher.publish(KnowledgeObjectChanged(key: key, change: "Object Created", contentHash: hash), source: .kb)
        logger.info("knowledge object stored", metadata: ["key": "\(key)", "size": "\(content.utf8.count)"])
        return (Stored(key: key, contentHash: hash, size: content.utf8.count), replaced)
    }

    func delete(key: String) async throws -> Response {
        try await remove(key: key)
        return Response(status: .noContent)
    }

    /// Deletes the object and announces it: kb-sync removes what it indexed of it.
    public func remove(key: String) async throws {
        if let problem = ObjectKey.problem(with: key) { throw invalid("key", problem) }
        guard try await bucket.delete(key: key) else { throw APIError.notFound("no knowledge object \(key)") }
        try await publisher.publish(KnowledgeObjectChanged(key: key, change: "Object Deleted"), source: .kb)
    }

    /// The bucket's objects by key: `limit` of them from `bound` (its id is an object's key), from the first when nil.
    public func objects(from bound: PageBound?, limit: Int) async throws -> [KnowledgeBucket.Object] {
        try await bucket.list(from: bound, limit: limit)
    }

    struct Queued: ResponseEncodable {
        let jobID: String
        let status = "queued"

        enum CodingKeys: String, CodingKey { case jobID = "job_id", status }
    }

    func sync() async throws -> EditedResponse<Queued> {
        EditedResponse(status: .accepted, response: Queued(jobID: try await requestSync()))
    }

    /// "Re-index everything": a full sync for kb-sync; answers the job's id.
    public func requestSync() async throws -> String {
        let job = UUID()
        try await bucket.recordSync(job)
        do {
            try await publisher.publish(KbSyncRequested(jobID: job.uuidString.lowercased()), source: .kb,
                                        id: EventID.derived(from: "kb-sync-requested/\(job.uuidString.lowercased())"))
        } catch {
            logger.error("cannot publish KbSyncRequested", metadata: ["error": "\(error)"])
            try await bucket.forgetSync(job)
            throw APIError(.serviceUnavailable, code: "bus_unavailable", "the sync could not be queued; try again")
        }
        return job.uuidString.lowercased()
    }

    /// A full sync's progress.
    public func job(_ id: String) async throws -> SyncJobStatus {
        guard let job = UUID(uuidString: id), let requested = try await bucket.syncRequested(job) else {
            throw APIError.notFound("no sync job \(id)")
        }
        return try await SyncJobStatus.read(job, requestedAt: requested, postgres: postgres, logger: logger)
    }

    struct SearchAnswer: ResponseEncodable {
        let query: String
        let hits: [KnowledgeRetriever.Hit]
    }

    /// The knowledge a query finds, as tickets find it.
    public func search(_ query: String, count: Int = 3) async throws -> [KnowledgeRetriever.Hit] {
        try await retriever.search(query, count: count, minimumRelevance: minimumRelevance)
    }

    func search(_ request: Request) async throws -> SearchAnswer {
        let query = request.uri.queryParameters.get("q") ?? ""
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw invalid("q", "is required") }
        guard query.count <= 2000 else { throw invalid("q", "is longer than 2000 characters") }
        let count: Int
        if let k = request.uri.queryParameters.get("k") {
            guard let value = Int(k), (1...20).contains(value) else { throw invalid("k", "must be a whole number from 1 to 20") }
            count = value
        } else {
            count = 3
        }
        return SearchAnswer(query: query, hits: try await search(query, count: count))
    }

    private func invalid(_ field: String, _ problem: String) -> APIError {
        .badRequest(code: "invalid_field", "'\(field)' \(problem)")
    }
}
