import DocumentQueries
import Foundation
import Hummingbird
import KinexusServiceKit

/// The documentation the orchestrator wrote, read-only: `GET /documents`, `GET /documents/{id}` (with its
/// versions and reviews) and `GET /documents/{id}/versions/{n}` (the markdown).
public struct DocumentsAPI: Sendable {
    let documents: DocumentQueries

    public init(documents: DocumentQueries) {
        self.documents = documents
    }

    struct DocumentList: ResponseEncodable {
        let documents: [DocumentSummary]
    }

    public var routes: RouteCollection<KinexusRequestContext> {
        let routes = RouteCollection(context: KinexusRequestContext.self)
        routes.get("/documents") { _, _ in
            DocumentList(documents: try await documents.documents(id: nil))
        }
        routes.get("/documents/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let uuid = UUID(uuidString: id), var document = try await documents.documents(id: uuid).first else {
                throw APIError.notFound("no document \(id)")
            }
            document.versions = try await documents.versions(of: uuid)
            document.reviews = try await documents.reviews(of: uuid)
            return JSONBody(document)
        }
        routes.get("/documents/:id/versions/:version") { _, context in
            let id = context.parameters.get("id") ?? "", number = context.parameters.get("version") ?? ""
            guard let uuid = UUID(uuidString: id), let version = Int(number),
                  let markdown = try await documents.markdown(of: uuid, version: version) else {
                throw APIError.notFound("no version \(number) of document \(id)")
            }
            return Response(status: .ok, headers: [.contentType: "text/markdown; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: markdown)))
        }
        return routes
    }
}
