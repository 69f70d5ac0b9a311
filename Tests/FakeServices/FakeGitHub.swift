import Foundation
import KinexusJSON

/// GitHub's REST API as far as Kinexus uses it (Git database blobs, trees, commits and refs; pull
/// requests), in memory. Each request is checked as GitHub documents it: headers, required fields, their
/// types and allowed values, and references to objects that exist.
public actor FakeGitHub {
    public struct PullRequest: Sendable {
        public let number: Int
        public let title: String
        public let body: String
        public let head: String
        public let base: String
    }

    public let token: String
    public let repository: String
    public private(set) var blobs: [String: Data] = [:]
    /// A tree's files: path → (mode, blob sha); the base tree's files are not known to the fake.
    public private(set) var trees: [String: (base: String?, entries: [String: (mode: String, blob: String?)])] = [:]
    public private(set) var commits: [String: (message: String, tree: String, parents: [String])] = [:]
    public private(set) var refs: [String: String] = [:]
    public private(set) var pullRequests: [PullRequest] = []
    public private(set) var violations: [String] = []
    public private(set) var requests: [String] = []

    public init(token: String, repository: String) {
        self.token = token
        self.repository = repository
    }

    /// A branch created before Kinexus's run: an earlier attempt's.
    public func createRef(_ ref: String, sha: String) { refs[ref] = sha }

    public func handle(_ request: FakeRequest) -> FakeResponse {
        requests.append("\(request.method) \(request.path)")
        guard request.header("Authorization") == "Bearer \(token)" else { return .json(401, #"{"message":"Bad credentials"}"#) }
        if request.header("User-Agent") == nil { violations.append("\(request.path): no User-Agent (GitHub refuses those)") }
        if request.header("Accept") != "application/vnd.github+json" { violations.append("\(request.path): Accept is not application/vnd.github+json") }
        if request.header("X-GitHub-Api-Version") == nil { violations.append("\(request.path): no X-GitHub-Api-Version") }
        let prefix = "/repos/\(repository)"
        guard request.path.hasPrefix(prefix) else { return .json(404, #"{"message":"Not Found"}"#) }
        let route = String(request.path.dropFirst(prefix.count))
        let body = (try? JSONValue(parsing: request.body)) ?? .null
        switch (request.method, route) {
        case ("POST", "/git/blobs"): return createBlob(body)
        case ("POST", "/git/trees"): return createTree(body)
        case ("POST", "/git/commits"): return createCommit(body)
        case ("POST", "/git/refs"): return createRef(body)
        case ("PATCH", _) where route.hasPrefix("/git/refs/heads/"): return updateRef(String(route.dropFirst("/git/refs/".count)), body)
        case ("POST", "/pulls"): return openPullRequest(body)
        case ("GET", "/pulls"): return listPullRequests(request.query)
        default: return refuse(request.path, 404, "no such operation: \(request.method) \(route)")
        }
    }

    private func refuse(_ label: String, _ status: Int, _ problem: String) -> FakeResponse {
        violations.append("\(label): \(problem)")
        return .json(status, JSONValue.object(["message": .string(problem)]).jsonText)
    }

    private func sha(_ parts: String...) -> String {
        var hash: UInt64 = 1_469_598_103_934_665_603
        for byte in parts.joined(separator: "\u{0}").utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return String(format: "%016llx%016llx%08x", hash, hash.byteSwapped, UInt32(truncatingIfNeeded: hash >> 7))
    }

    private func createBlob(_ body: JSONValue) -> FakeResponse {
        guard let content = body["content"]?.stringValue else { return refuse("blob", 422, "content is required") }
        let data: Data?
        switch body["encoding"]?.stringValue ?? "utf-8" {
        case "base64": data = Data(base64Encoded: content)
        case "utf-8": data = Data(content.utf8)
        default: return refuse("blob", 422, "encoding must be utf-8 or base64")
        }
        guard let data else { return refuse("blob", 422, "content is not base64") }
        let id = sha("blob", content)
        blobs[id] = data
        return .json(201, JSONValue.object(["sha": .string(id), "url": .string("https://api.github.test/blobs/\(id)")]).jsonText)
    }

    private func createTree(_ body: JSONValue) -> FakeResponse {
        guard let entries = body["tree"]?.arrayValue else { return refuse("tree", 422, "tree is required") }
        let base = body["base_tree"]?.stringValue
        var files: [String: (mode: String, blob: String?)] = [:]
        for entry in entries {
            guard let path = entry["path"]?.stringValue, !path.isEmpty, !path.hasPrefix("/") else {
                return refuse("tree", 422, "an entry without a relative path")
            }
            guard let mode = entry["mode"]?.stringValue, ["100644", "100755", "040000", "160000", "120000"].contains(mode) else {
                return refuse("tree", 422, "\(path): mode must be one of 100644, 100755, 040000, 160000, 120000")
            }
            guard entry["type"]?.stringValue == "blob" else { return refuse("tree", 422, "\(path): type must be blob here") }
            switch entry["sha"] {
            case .null?:
                guard base != nil else { return refuse("tree", 422, "\(path): a deletion needs base_tree") }
                files[path] = (mode, nil)
            case .string(let blob)?:
                guard blobs[blob] != nil else { return refuse("tree", 422, "\(path): blob \(blob) does not exist") }
                files[path] = (mode, blob)
            default:
                return refuse("tree", 422, "\(path): sha must be a blob's sha or null")
            }
        }
        let id = sha("tree", base ?? "", body.jsonText)
        trees[id] = (base, files)
        return .json(201, JSONValue.object(["sha": .string(id)]).jsonText)
    }

    private func createCommit(_ body: JSONValue) -> FakeResponse {
        guard let message = body["message"]?.stringValue, !message.isEmpty else { return refuse("commit", 422, "message is required") }
        guard let tree = body["tree"]?.stringValue, trees[tree] != nil else { return refuse("commit", 422, "tree must be a created tree") }
        guard let parents = body["parents"]?.arrayValue?.compactMap(\.stringValue), parents.count == body["parents"]?.arrayValue?.count
        else { return refuse("commit", 422, "parents must be an array of shas") }
        let id = sha("commit", message, tree, parents.joined())
        commits[id] = (message, tree, parents)
        return .json(201, JSONValue.object(["sha": .string(id)]).jsonText)
    }

    private func createRef(_ body: JSONValue) -> FakeResponse {
        guard let ref = body["ref"]?.stringValue, ref.hasPrefix("refs/"), ref.split(separator: "/").count >= 3 else {
            return refuse("ref", 422, "ref must be fully qualified (refs/heads/…)")
        }
        guard let target = body["sha"]?.stringValue, commits[target] != nil else { return refuse("ref", 422, "sha must be a created commit") }
        guard refs[ref] == nil else { return .json(422, #"{"message":"Reference already exists"}"#) }
        refs[ref] = target
        return .json(201, JSONValue.object(["ref": .string(ref), "object": ["sha": .string(target)]]).jsonText)
    }

    private func updateRef(_ ref: String, _ body: JSONValue) -> FakeResponse {
        guard let target = body["sha"]?.stringValue, commits[target] != nil else { return refuse("ref", 422, "sha must be a created commit") }
        guard refs["refs/" + ref] != nil else { return refuse("ref", 422, "Reference does not exist") }
        guard body["force"] == .bool(true) else { return refuse("ref", 422, "Update is not a fast forward") }
        refs["refs/" + ref] = target
        return .json(200, JSONValue.object(["ref": .string("refs/" + ref), "object": ["sha": .string(target)]]).jsonText)
    }

    private func openPullRequest(_ body: JSONValue) -> FakeResponse {
        guard let title = body["title"]?.stringValue, let head = body["head"]?.stringValue, let base = body["base"]?.stringValue else {
            return refuse("pulls", 422, "title, head and base are required")
        }
        guard refs["refs/heads/\(head)"] != nil else { return refuse("pulls", 422, "head \(head) does not exist") }
        if pullRequests.contains(where: { $0.head == head }) {
            return .json(422, #"{"message":"Validation Failed","errors":[{"message":"A pull request already exists"}]}"#)
        }
        let pull = PullRequest(number: pullRequests.count + 1, title: title, body: body["body"]?.stringValue ?? "", head: head, base: base)
        pullRequests.append(pull)
        return .json(201, pullJSON(pull).jsonText)
    }

    private func listPullRequests(_ query: [String: String]) -> FakeResponse {
        let owner = repository.split(separator: "/")[0]
        guard let head = query["head"], head.hasPrefix("\(owner):") else { return refuse("pulls", 422, "head must be owner:branch") }
        let branch = String(head.dropFirst(owner.count + 1))
        return .json(200, JSONValue.array(pullRequests.filter { $0.head == branch }.map(pullJSON)).jsonText)
    }

    private func pullJSON(_ pull: PullRequest) -> JSONValue {
        ["number": .number(Double(pull.number)), "html_url": .string("https://github.test/\(repository)/pull/\(pull.number)"),
         "title": .string(pull.title), "head": ["ref": .string(pull.head)], "base": ["ref": .string(pull.base)]]
    }
}
