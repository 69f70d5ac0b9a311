import KinexusJSON
import NIOPosix

/// Atlassian's documents, parsed once per process on NIO's thread pool: the Jira document takes a third of
/// a second to parse, and doing that on the cooperative pool would stall every other test's tasks with it.
public enum Specifications {
    private static let cache = Cache()

    public static func openAPI(_ name: String, serverPath: String = "") async throws -> OpenAPIDocument {
        OpenAPIDocument(root: try await cache.document(name), serverPath: serverPath)
    }

    public static func schema(_ name: String) async throws -> JSONSchema {
        JSONSchema(document: try await cache.document(name))
    }

    private actor Cache {
        var loads: [String: Task<JSONValue, any Error>] = [:]

        func document(_ name: String) async throws -> JSONValue {
            if let load = loads[name] { return try await load.value }
            let load = Task { try await NIOThreadPool.singleton.runIfActive { try JSONSchema.specification(name) } }
            loads[name] = load
            return try await load.value
        }
    }
}
