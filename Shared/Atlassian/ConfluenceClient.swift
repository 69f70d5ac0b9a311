import KinexusJSON
import Logging
import OutboundHTTP

/// Confluence Cloud: v1 CQL search, v2 pages read, created and updated with version + 1.
public struct ConfluenceClient: Sendable {
    public struct Page: Sendable, Equatable {
        public let id: String
        public let title: String
        public let version: Int
        public let storage: String
        public let url: String
    }

    public struct SearchHit: Sendable, Equatable {
        public let id: String
        public let title: String
    }

    /// The page changed between reading and writing it: someone else saved a version first.
    public struct VersionConflict: Error, CustomStringConvertible {
        public let pageID: String
        public var description: String { "Confluence page \(pageID) was changed by someone else (409)" }
    }

    let requests: JSONRequests
    let baseURL: String
    let spaceKey: String
    let parentID: String?
    let logger: Logger

    public init(settings: AtlassianSettings.Confluence, http: RetryingHTTPClient, logger: Logger) {
        requests = JSONRequests(http: http, baseURL: settings.baseURL, service: "Confluence", email: settings.email, apiToken: settings.apiToken)
        baseURL = settings.baseURL
        spaceKey = settings.spaceKey
        parentID = settings.parentID
        self.logger = logger
    }

    /// Pages of the configured space matching a CQL condition, best first.
    public func search(_ condition: String, limit: Int = 10) async throws -> [SearchHit] {
        let cql = "space = \(Self.literal(spaceKey)) AND type = page AND (\(condition))"
        let (_, found) = try await requests.send(
            "GET", "/rest/api/content/search?cql=\(percentEncoded(cql))&limit=\(limit)", accepting: [200])
        return (found["results"]?.arrayValue ?? []).compactMap { result in
            guard let id = result["id"]?.stringValue, let title = result["title"]?.stringValue else { return nil }
            return SearchHit(id: id, title: title)
        }
    }

    /// The page whose title is exactly `title` in the configured space, if any.
    public func page(titled title: String) async throws -> Page? {
        let hits = try await search("title = \(Self.literal(title))", limit: 5)
        guard let hit = hits.first(where: { $0.title == title }) else { return nil }
        return try await page(id: hit.id)
    }

    public func page(id: String) async throws -> Page {
        let (_, page) = try await requests.send("GET", "/api/v2/pages/\(percentEncoded(id))?body-format=storage", accepting: [200])
        return try read(page)
    }

    public func createPage(title: String, storage: String) async throws -> Page {
        var body: [String: JSONValue] = [
            "spaceId": .string(try await spaceID()),
            "status": "current",
            "title": .string(title),
            "body": ["representation": "storage", "value": .string(storage)],
        ]
        if let parentID { body["parentId"] = .string(parentID) }
        let (_, page) = try await requests.send("POST", "/api/v2/pages", body: .object(body), accepting: [200])
        return try read(page, storage: storage)
    }

    /// Saves `storage` as the version after `current`; throws VersionConflict when that version exists.
    public func updatePage(_ current: Page, title: String, storage: String) async throws -> Page {
        let body: JSONValue = [
            "id": .string(current.id),
            "status": "current",
            "title": .string(title),
            "body": ["representation": "storage", "value": .string(storage)],
            "version": ["number": .number(Double(current.version + 1)), "message": "Published by Kinexus"],
        ]
        let (status, page) = try await requests.send("PUT", "/api/v2/pages/\(percentEncoded(current.id))", body: body,
                                                     accepting: [200, 409])
        guard status == 200 else { throw VersionConflict(pageID: current.id) }
        return try read(page, storage: storage)
    }

    /// Publishes a page by title: updated with version + 1 when the space has it (re-read and retried when
    /// someone saves in between), created under the configured parent otherwise. A page already holding
    /// exactly this content is left alone, so publishing twice makes one version.
    public func publish(title: String, storage: String, attempts: Int = 3) async throws -> Page {
        guard var current = try await page(titled: title) else {
            return try await createPage(title: title, storage: storage)
        }
        for attempt in 1...attempts {
            if current.storage == storage { return current }
            do {
                return try await updatePage(current, title: title, storage: storage)
            } catch let conflict as VersionConflict where attempt < attempts {
                logger.warning("Confluence page changed while publishing; reading it again", metadata: [
                    "page_id": "\(conflict.pageID)", "attempt": "\(attempt)",
                ])
                current = try await page(id: current.id)
            }
        }
        throw VersionConflict(pageID: current.id)
    }

    private func spaceID() async throws -> String {
        let (_, spaces) = try await requests.send("GET", "/api/v2/spaces?keys=\(percentEncoded(spaceKey))", accepting: [200])
        guard let id = spaces["results"]?.arrayValue?.first?["id"]?.stringValue else {
            throw UnexpectedAnswer(service: "Confluence", problem: "no space has the key \(spaceKey)")
        }
        return id
    }

    private func read(_ page: JSONValue, storage written: String? = nil) throws -> Page {
        guard let id = page["id"]?.stringValue, let version = page["version"]?["number"]?.intValue else {
            throw UnexpectedAnswer(service: "Confluence", problem: "a page without an id or version number")
        }
        let links = page["_links"]
        let url = (links?["base"]?.stringValue ?? baseURL) + (links?["webui"]?.stringValue ?? "/pages/viewpage.action?pageId=\(id)")
        return Page(id: id, title: page["title"]?.stringValue ?? "", version: version,
                    storage: written ?? page["body"]?["storage"]?["value"]?.stringValue ?? "", url: url)
    }

    /// A CQL string literal: double quotes, with quotes and backslashes escaped.
    public static func literal(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
