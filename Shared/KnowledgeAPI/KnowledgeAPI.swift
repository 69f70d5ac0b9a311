import Foundation
import Hummingbird
import KinexusBus
import KinexusEvents
import KinexusServiceKit
import KnowledgeBase
import Logging
import PostgresNIO

/// The knowledge bucket and the knowledge base through the ingress: `PUT`/`DELETE /kb/objects/{key}`
/// (KnowledgeObjectChanged), `POST /kb/sync` (KbSyncRequested) and `GET /kb/sync/{job}`, and
/// `GET /kb/search?q=…&k=…`, the retrieval tickets use.
public struct KnowledgeAPI: Sendable {
    let bucket: KnowledgeBucket
    let retriever: KnowledgeRetriever
    let publisher: EventPublisher
    let minimumScore: Double
    let apiToken: String?
    let postgres: PostgresClient
    let logger: Logger

    static let largestObject = 5 * 1024 * 1024
    static let textTypes = ["text/markdown", "text/x-markdown", "text/plain"]

    public init(
        bucket: KnowledgeBucket, retriever: KnowledgeRetriever, publisher: EventPublisher, minimumScore: Double,
        apiToken: String?, postgres: PostgresClient, logger: Logger
    ) {
        self.bucket = bucket
        self.retriever = retriever
        self.publisher = publisher
        self.minimumScore = minimumScore
        self.apiToken = apiToken
        self.postgres = postgres
        self.logger = logger
    }

    public func add(to router: Router<BasicRequestContext>) {
        let api = router.group().add(middleware: APITokenAuthentication(apiToken: apiToken))
        api.put("/kb/objects/**") { request, context in try await put(request, key: Self.key(context)) }
        api.delete("/kb/objects/**") { request, context in try await delete(request, key: Self.key(context)) }
        api.post("/kb/sync") { request, _ in try await sync(request) }
        api.get("/kb/sync/:job") { _, context in try await job(context.parameters.get("job") ?? "") }
        api.get("/kb/search") { request, _ in try await search(request) }
    }

    /// The object key: the rest of the path, percent-decoded.
    static func key(_ context: BasicRequestContext) -> String {
        let raw = context.parameters.get(String(Parameters.recursiveCaptureKey)) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    struct Stored: Encodable {
        let key: String
        let contentHash: String
        let size: Int

        enum CodingKeys: String, CodingKey { case key, contentHash = "content_hash", size }
    }

    func put(_ request: Request, key: String) async throws -> Response {
        if let problem = ObjectKey.problem(with: key) { return invalid("key", problem) }
        let contentType = request.headers[.contentType]?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? "text/markdown"
        guard Self.textTypes.contains(contentType) else {
            return jsonResponse(.unsupportedMediaType, ErrorBody(
                error: "a knowledge object is markdown or text: Content-Type \(Self.textTypes.joined(separator: ", "))",
                code: "unsupported_media_type"))
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.largestObject)
        } catch {
            return jsonResponse(.contentTooLarge, ErrorBody(error: "a knowledge object is at most 5 MB", code: "too_large"))
        }
        guard let content = String(validating: Array(buffer: body), as: UTF8.self) else {
            return invalid("body", "is not UTF-8 text")
        }
        if content.containsNUL { throw APIError.nulCharacter(in: "body") }
        let (hash, replaced) = try await bucket.put(key: key, content: content, contentType: contentType)
        // Every put is a fact of its own (a put of earlier content after another must count): a fresh event id.
        try await publisher.publish(KnowledgeObjectChanged(key: key, change: "Object Created", contentHash: hash), source: .kb)
        logger.info("knowledge object stored", metadata: ["key": "\(key)", "size": "\(content.utf8.count)"])
        return jsonResponse(replaced ? .ok : .created, Stored(key: key, contentHash: hash, size: content.utf8.count))
    }

    func delete(_ request: Request, key: String) async throws -> Response {
        if let problem = ObjectKey.problem(with: key) { return invalid("key", problem) }
        guard try await bucket.delete(key: key) else {
            return jsonResponse(.notFound, ErrorBody(error: "no knowledge object \(key)", code: "not_found"))
        }
        try await publisher.publish(KnowledgeObjectChanged(key: key, change: "Object Deleted"), source: .kb)
        return Response(status: .noContent)
    }

    struct Queued: Encodable {
        let jobID: String
        let status = "queued"

        enum CodingKeys: String, CodingKey { case jobID = "job_id", status }
    }

    func sync(_ request: Request) async throws -> Response {
        let job = UUID()
        try await bucket.recordSync(job)
        do {
            try await publisher.publish(KbSyncRequested(jobID: job.uuidString.lowercased()), source: .kb,
                                        id: EventID.derived(from: "kb-sync-requested/\(job.uuidString.lowercased())"))
        } catch {
            logger.error("cannot publish KbSyncRequested", metadata: ["error": "\(error)"])
            try await bucket.forgetSync(job)
            return jsonResponse(.serviceUnavailable, ErrorBody(error: "the sync could not be queued; try again", code: "bus_unavailable"))
        }
        return jsonResponse(.accepted, Queued(jobID: job.uuidString.lowercased()))
    }

    func job(_ id: String) async throws -> Response {
        guard let job = UUID(uuidString: id), let requested = try await bucket.syncRequested(job) else {
            return jsonResponse(.notFound, ErrorBody(error: "no sync job \(id)", code: "not_found"))
        }
        return jsonResponse(.ok, try await SyncJobStatus.read(job, requestedAt: requested, postgres: postgres, logger: logger))
    }

    struct SearchAnswer: Encodable {
        let query: String
        let hits: [KnowledgeRetriever.Hit]
    }

    func search(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters.get("q") ?? ""
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return invalid("q", "is required") }
        guard query.count <= 2000 else { return invalid("q", "is longer than 2000 characters") }
        let count: Int
        if let k = request.uri.queryParameters.get("k") {
            guard let value = Int(k), (1...20).contains(value) else { return invalid("k", "must be a whole number from 1 to 20") }
            count = value
        } else {
            count = 3
        }
        return jsonResponse(.ok, SearchAnswer(query: query, hits: try await retriever.search(query, count: count,
                                                                                          minimumScore: minimumScore)))
    }

    private func invalid(_ field: String, _ problem: String) -> Response {
        jsonResponse(.badRequest, ErrorBody(error: "'\(field)' \(problem)", code: "invalid_field"))
    }
}
