import Foundation
import KinexusJSON

/// Confluence Cloud as far as Kinexus uses it: one space of pages with versions in memory, v1 CQL search
/// and v2 pages. Requests are checked against the v1 and v2 OpenAPI documents; a stale version number
/// answers 409 as Confluence does.
public actor FakeConfluence {
    public struct Page: Sendable {
        public var title: String
        public var version: Int
        public var storage: String
        public var parentID: String?
    }

    let versionOne: OpenAPIDocument
    let versionTwo: OpenAPIDocument

    public let spaceKey: String
    public let spaceID = "98304"
    public let expectedAuthorization: String
    public private(set) var pages: [String: Page] = [:]
    public private(set) var violations: [String] = []
    /// Before each of the next this-many updates, someone else saves the page first.
    public private(set) var concurrentEdits = 0
    private var nextID = 65_000

    public init(spaceKey: String, email: String, token: String) async throws {
        self.spaceKey = spaceKey
        expectedAuthorization = "Basic " + Data("\(email):\(token)".utf8).base64EncodedString()
        versionOne = try await Specifications.openAPI("confluence-v1.openapi.json")
        versionTwo = try await Specifications.openAPI("confluence-v2.openapi.json", serverPath: "/wiki/api/v2")
    }

    public func editConcurrently(times: Int) { concurrentEdits = times }

    @discardableResult
    public func addPage(title: String, storage: String) -> String {
        nextID += 1
        pages["\(nextID)"] = Page(title: title, version: 1, storage: storage, parentID: nil)
        return "\(nextID)"
    }

    public func page(titled title: String) -> Page? { pages.values.first { $0.title == title } }

    public func handle(_ request: FakeRequest) -> FakeResponse {
        guard request.header("Authorization") == expectedAuthorization else { return .json(401, #"{"message":"unauthorized"}"#) }
        do {
            violations += (request.path.hasPrefix("/wiki/api/v2") ? versionTwo : versionOne).violations(of: request)
            let body = request.body.isEmpty ? JSONValue.null : try JSONValue(parsing: request.body)
            return route(request, body)
        } catch {
            violations.append("\(request.method) \(request.path): \(error)")
            return .json(500, "{}")
        }
    }

    private func route(_ request: FakeRequest, _ body: JSONValue) -> FakeResponse {
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts) {
        case ("GET", ["wiki", "rest", "api", "content", "search"]):
            let results: [JSONValue] = search(request.query["cql"] ?? "").map { id, page in
                ["id": .string(id), "type": "page", "status": "current", "title": .string(page.title)]
            }
            return .json(200, (["results": .array(results), "size": .number(Double(results.count))] as JSONValue).jsonText)
        case ("GET", ["wiki", "api", "v2", "spaces"]):
            let results: [JSONValue] = request.query["keys"] == spaceKey ? [["id": .string(spaceID), "key": .string(spaceKey)]] : []
            return .json(200, (["results": .array(results)] as JSONValue).jsonText)
        case ("GET", let path) where path.count == 5 && path[3] == "pages":
            guard let page = pages[path[4]] else { return .json(404, #"{"errors":[{"status":404}]}"#) }
            return .json(200, json(path[4], page).jsonText)
        case ("POST", ["wiki", "api", "v2", "pages"]):
            guard body["spaceId"]?.stringValue == spaceID, let title = body["title"]?.stringValue else {
                return .json(400, #"{"errors":[{"status":400,"title":"spaceId and title are required"}]}"#)
            }
            nextID += 1
            let page = Page(title: title, version: 1, storage: body["body"]?["value"]?.stringValue ?? "",
                            parentID: body["parentId"]?.stringValue)
            pages["\(nextID)"] = page
            return .json(200, json("\(nextID)", page).jsonText)
        case ("PUT", let path) where path.count == 5 && path[3] == "pages":
            guard var page = pages[path[4]] else { return .json(404, #"{"errors":[{"status":404}]}"#) }
            if concurrentEdits > 0 {
                concurrentEdits -= 1
                page.version += 1
                page.storage += "<p>edited by someone else</p>"
                pages[path[4]] = page
            }
            guard body["version"]?["number"]?.intValue == page.version + 1 else {
                return .json(409, #"{"errors":[{"status":409,"code":"CONFLICT","title":"Version must be incremented on update."}]}"#)
            }
            page.version += 1
            page.title = body["title"]?.stringValue ?? page.title
            page.storage = body["body"]?["value"]?.stringValue ?? page.storage
            pages[path[4]] = page
            return .json(200, json(path[4], page).jsonText)
        default:
            return .json(404, #"{"errors":[{"status":404}]}"#)
        }
    }

    /// The two CQL conditions Kinexus writes: `title = "…"` and `text ~ "…"` (any of the words).
    private func search(_ cql: String) -> [(String, Page)] {
        let literal = { (operator: String) -> String? in
            guard let range = cql.range(of: "\(`operator`) \"") else { return nil }
            var value = "", escaping = false
            for character in cql[range.upperBound...] {
                if escaping { value.append(character); escaping = false } else if character == "\\" { escaping = true }
                else if character == "\"" { return value } else { value.append(character) }
            }
            return nil
        }
        let matches = pages.filter { _, page in
            if let title = literal("title =") { return page.title == title }
            if let text = literal("text ~") {
                let words = Set(text.lowercased().split(separator: " "))
                return !words.isDisjoint(with: (page.title + " " + page.storage).lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }))
            }
            return false
        }
        return matches.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    private func json(_ id: String, _ page: Page) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(id), "status": "current", "title": .string(page.title), "spaceId": .string(spaceID),
            "version": ["number": .number(Double(page.version))],
            "body": ["storage": ["representation": "storage", "value": .string(page.storage)]],
            "_links": ["webui": .string("/spaces/\(spaceKey)/pages/\(id)"), "base": "https://example.atlassian.net/wiki"],
        ]
        if let parentID = page.parentID { fields["parentId"] = .string(parentID) }
        return .object(fields)
    }
}
