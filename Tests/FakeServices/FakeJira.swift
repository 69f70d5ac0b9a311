import Foundation
import KinexusJSON

/// Jira Cloud as far as Kinexus uses it: issues, labels and comments in memory. Every request is checked
/// against Atlassian's OpenAPI document, and descriptions and comment bodies against the ADF schema.
public actor FakeJira {
    public struct Issue: Sendable {
        public var id: String
        public var fields: JSONValue
        public var labels: [String]
        public var comments: [(id: String, author: String, body: JSONValue)]
    }

    let specification: OpenAPIDocument
    let documentFormat: JSONSchema

    public let expectedAuthorization: String
    public private(set) var issues: [String: Issue] = [:]
    public private(set) var violations: [String] = []
    public private(set) var requests: [String] = []
    /// Answers this many requests with 429 before serving again.
    public var throttleNext = 0
    private var nextNumber = 1

    public init(email: String, token: String) async throws {
        expectedAuthorization = "Basic " + Data("\(email):\(token)".utf8).base64EncodedString()
        specification = try await Specifications.openAPI("jira-platform-v3.openapi.json")
        documentFormat = try await Specifications.schema("atlassian-document-format.schema.json")
    }

    public func throttle(_ count: Int) { throttleNext = count }

    public func id(ofIssue key: String) -> String? { issues[key]?.id }

    /// A comment written in Jira by a person, as the webhook or the REST API would show it.
    public func addComment(to key: String, author: String, text: String) {
        let id = "\(10_000 + (issues[key]?.comments.count ?? 0))"
        let body: JSONValue = ["type": "doc", "version": 1, "content": [
            ["type": "paragraph", "content": [["type": "text", "text": .string(text)]]],
        ]]
        issues[key]?.comments.append((id: id, author: author, body: body))
    }

    public func handle(_ request: FakeRequest) -> FakeResponse {
        requests.append("\(request.method) \(request.path)")
        guard request.header("Authorization") == expectedAuthorization else { return .json(401, #"{"errorMessages":["unauthorized"]}"#) }
        if throttleNext > 0 {
            throttleNext -= 1
            return FakeResponse(status: 429, headers: ["Retry-After": "0"])
        }
        do {
            // Jira Server and Data Center speak REST v2, whose operations Kinexus uses are v3's without ADF.
            violations += specification.violations(of: FakeRequest(
                method: request.method, path: request.path.replacingOccurrences(of: "/rest/api/2/", with: "/rest/api/3/"),
                query: request.query, headers: request.headers, body: request.body))
            let body = request.body.isEmpty ? JSONValue.null : try JSONValue(parsing: request.body)
            return try route(request, body)
        } catch {
            violations.append("\(request.method) \(request.path): \(error)")
            return .json(500, "{}")
        }
    }

    private func checkDocument(_ document: JSONValue?, at label: String) {
        guard let document else { return violations.append("\(label): no ADF document") }
        violations += documentFormat.violations(of: document, against: documentFormat.document).map { "\(label): \($0)" }
    }

    private func route(_ request: FakeRequest, _ body: JSONValue) throws -> FakeResponse {
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts.count) {
        case ("POST", 4) where parts.last == "issue":
            let project = body["fields"]?["project"]?["key"]?.stringValue ?? "?"
            let key = "\(project)-\(nextNumber)"
            let id = "\(10_001 + nextNumber)"
            nextNumber += 1
            checkDocument(body["fields"]?["description"], at: "description")
            let labels = body["fields"]?["labels"]?.arrayValue?.compactMap(\.stringValue) ?? []
            issues[key] = Issue(id: id, fields: body["fields"] ?? [:], labels: labels, comments: [])
            return .json(201, #"{"id":"\#(id)","key":"\#(key)","self":"http://jira/rest/api/3/issue/\#(key)"}"#)
        case ("GET", 5) where parts[3] == "issue":
            guard let (key, issue) = issues.first(where: { $0.value.id == parts[4] || $0.key == parts[4] }) else { break }
            return .json(200, JSONValue.object(["id": .string(issue.id), "key": .string(key)]).jsonText)
        case ("PUT", 5) where issues[parts[4]] != nil:
            for operation in body["update"]?["labels"]?.arrayValue ?? [] {
                if let label = operation["add"]?.stringValue, issues[parts[4]]?.labels.contains(label) == false {
                    issues[parts[4]]?.labels.append(label)
                }
            }
            return FakeResponse(status: 204)
        case ("POST", 6) where issues[parts[4]] != nil && parts[5] == "comment":
            checkDocument(body["body"], at: "comment body")
            let id = "\(20_000 + (issues[parts[4]]?.comments.count ?? 0))"
            issues[parts[4]]?.comments.append((id: id, author: "kinexus-bot", body: body["body"] ?? .null))
            return .json(201, #"{"id":"\#(id)"}"#)
        case ("GET", 6) where issues[parts[4]] != nil && parts[5] == "comment":
            let all = issues[parts[4]]?.comments ?? []
            let start = min(Int(request.query["startAt"] ?? "0") ?? 0, all.count)
            let page = all[start...].prefix(Int(request.query["maxResults"] ?? "50") ?? 50)
            let comments: [JSONValue] = page.map { comment in
                ["id": .string(comment.id), "author": ["accountId": .string(comment.author), "displayName": .string(comment.author)],
                 "body": comment.body]
            }
            let answer: JSONValue = ["startAt": .number(Double(start)), "maxResults": .number(Double(page.count)),
                                     "total": .number(Double(all.count)), "comments": .array(comments)]
            return .json(200, answer.jsonText)
        default:
            break
        }
        return .json(404, #"{"errorMessages":["Issue does not exist or you do not have permission to see it."]}"#)
    }
}
