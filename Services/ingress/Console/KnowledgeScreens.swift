import Foundation
import Hummingbird
import KinexusServiceKit
import KnowledgeAPI

/// The knowledge bucket: its documents (upload a file, delete one), a search box over what is indexed, and
/// "Re-index everything" with the job's progress.
struct KnowledgeScreens: Sendable {
    let knowledge: KnowledgeAPI
    let templates: ConsoleTemplates

    struct ObjectRow {
        let key: String
        let size: Int
        let updated: String
    }

    struct JobView {
        let status: String
        let sourcesIndexed: Int
        let sourcesUnchanged: Int
        let sourcesDeleted: Int
        let chunksIndexed: Int
        let error: String?
        let running: Bool
    }

    struct View {
        let chrome: Chrome?
        let rows: [ObjectRow]
        let pages: PageLinks
        let query: String
        let searched: Bool
        let hits: [SuggestionRow]
        let job: JobView?
        let jobID: String?
        let agent: Bool
        let admin: Bool
        let notice: String?
    }

    func page(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let pagination = Pagination(request)
        let (objects, links) = pagination.page(try await knowledge.objects(from: pagination.bound, limit: pagination.limit),
                                               path: "/console/knowledge") { (Pagination.untimed, $0.key) }
        let query = (request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let hits = query.isEmpty ? [] : try await knowledge.search(String(query.prefix(2000)), count: 5)
        let jobID = request.uri.queryParameters.get("job")
        var job: SyncJobStatus?
        if let jobID { job = try await knowledge.job(jobID) }
        let roles = context.identity?.roles ?? []
        return try templates.page("knowledge", View(
            chrome: Chrome(context),
            rows: objects.map { ObjectRow(key: $0.key, size: $0.size, updated: shown($0.updatedAt)) },
            pages: links, query: query, searched: !query.isEmpty,
            hits: hits.map(SuggestionRow.init),
            job: job.map {
                JobView(status: $0.status, sourcesIndexed: $0.sourcesIndexed, sourcesUnchanged: $0.sourcesUnchanged,
                        sourcesDeleted: $0.sourcesDeleted, chunksIndexed: $0.chunksIndexed, error: $0.error,
                        running: $0.status == "queued" || $0.status == "running")
            },
            jobID: jobID, agent: roles.contains(.agent), admin: roles.contains(.admin),
            notice: request.uri.queryParameters.get("notice")))
    }

    /// A markdown or text file from the form's file input, stored under `folder/` and its name.
    func upload(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: FormProtection.maximumBody)
        guard let boundary = request.headers[.contentType].flatMap(MultipartForm.boundary(contentType:)),
              let form = MultipartForm(body: Array(buffer: body), boundary: boundary)
        else { throw ConsoleRefusal(.badRequest, "Upload a file with the knowledge page's form.") }
        guard let file = form.file("file"), let filename = file.filename else {
            throw ConsoleRefusal(.badRequest, "Choose a markdown or text file to upload.")
        }
        let name = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? filename
        let folder = (form.field("folder") ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/ "))
        let key = folder.isEmpty ? "uploads/\(name)" : "\(folder)/\(name)"
        let type = switch (name as NSString).pathExtension.lowercased() {
        case "md", "markdown": "text/markdown"
        case "txt": "text/plain"
        default: file.contentType ?? "application/octet-stream"
        }
        try await knowledge.store(key: key, content: file.body, contentType: type)
        return .redirect(to: "/console/knowledge?notice=" + queryValue("Stored \(key); it is being indexed."))
    }

    struct DeleteForm: Decodable {
        let key: String
    }

    func delete(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let form = try await decodeForm(DeleteForm.self, request)
        try await knowledge.remove(key: form.key)
        return .redirect(to: "/console/knowledge?notice=" + queryValue("Deleted \(form.key)."))
    }

    func reindex(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        .redirect(to: "/console/knowledge?job=\(try await knowledge.requestSync())")
    }
}
