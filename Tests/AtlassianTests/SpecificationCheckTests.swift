import FakeServices
import KinexusJSON
import Testing

/// The fakes' checks must catch what Atlassian would refuse, or the client tests above prove nothing.
@Suite("The OpenAPI and ADF checks refuse wrong requests")
struct SpecificationCheckTests {
    func request(_ method: String, _ path: String, query: [String: String] = [:], body: JSONValue? = nil) -> FakeRequest {
        FakeRequest(method: method, path: path, query: query, headers: [:], body: body.map { Array($0.jsonText.utf8) } ?? [])
    }

    @Test("a page update without its version, or with an unknown status, is a violation")
    func confluenceUpdate() async throws {
        let v2 = try await Specifications.openAPI("confluence-v2.openapi.json", serverPath: "/wiki/api/v2")
        let good: JSONValue = ["id": "1", "status": "current", "title": "T", "body": ["representation": "storage", "value": "<p/>"],
                               "version": ["number": 2]]
        #expect(v2.violations(of: request("PUT", "/wiki/api/v2/pages/1", body: good)) == [])
        let noVersion: JSONValue = ["id": "1", "status": "current", "title": "T", "body": ["representation": "storage", "value": "<p/>"]]
        #expect(v2.violations(of: request("PUT", "/wiki/api/v2/pages/1", body: noVersion)).contains { $0.contains("version") })
        let badStatus: JSONValue = ["id": "1", "status": "published", "title": "T", "body": ["representation": "storage", "value": "<p/>"],
                                    "version": ["number": 2]]
        #expect(!v2.violations(of: request("PUT", "/wiki/api/v2/pages/1", body: badStatus)).isEmpty)
        #expect(!v2.violations(of: request("GET", "/wiki/api/v2/pages/1", query: ["body_format": "storage"])).isEmpty)
        #expect(!v2.violations(of: request("GET", "/wiki/api/v2/pages/1", query: ["body-format": "html"])).isEmpty)
        #expect(!v2.violations(of: request("PATCH", "/wiki/api/v2/pages/1")).isEmpty)
    }

    @Test("an ADF document with an empty text node or an unknown node type is a violation")
    func documentFormat() async throws {
        let adf = try await Specifications.schema("atlassian-document-format.schema.json")
        let good: JSONValue = ["type": "doc", "version": 1, "content": [["type": "paragraph", "content": [["type": "text", "text": "ok"]]]]]
        #expect(adf.violations(of: good, against: adf.document) == [])
        let emptyText: JSONValue = ["type": "doc", "version": 1, "content": [["type": "paragraph", "content": [["type": "text", "text": ""]]]]]
        #expect(!adf.violations(of: emptyText, against: adf.document).isEmpty)
        let unknown: JSONValue = ["type": "doc", "version": 1, "content": [["type": "marquee"]]]
        #expect(!adf.violations(of: unknown, against: adf.document).isEmpty)
    }

    @Test("a Jira comment sending read-only fields is a violation")
    func jiraReadOnly() async throws {
        let jira = try await Specifications.openAPI("jira-platform-v3.openapi.json")
        let body: JSONValue = ["body": ["type": "doc", "version": 1, "content": []], "created": "2026-01-01T00:00:00Z"]
        #expect(jira.violations(of: request("POST", "/rest/api/3/issue/DOCS-1/comment", body: body)).contains { $0.contains("read-only") })
        #expect(jira.violations(of: request("POST", "/rest/api/3/issue/DOCS-1/comment", body: ["body": body["body"]!])) == [])
    }
}
