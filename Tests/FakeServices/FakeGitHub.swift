import Foundation
import KinexusJSON

/// GitHub's REST API as far as Kinexus uses it (Git database blobs, trees, commits and refs; pull
/// requests, their reviews and comments), in memory. Each request is checked as GitHub documents it:
/// headers, required fields, their types and allowed values, and references to objects that exist. Given
/// the bare repository that stands in for github.com's, the Git database writes real objects and refs
/// there, so what Kinexus builds through the API can be cloned as from GitHub.
public actor FakeGitHub {
    public struct PullRequest: Sendable {
        public let number: Int
        public let title: String
        public let body: String
        public let head: String
        public let base: String
        public var state = "open"
        public var merged = false
    }

    /// A review as GitHub answers `GET …/reviews/{id}`, with its line comments.
    public struct Review: Sendable {
        public let id: Int
        public let pullRequest: Int
        public let author: String
        public let state: String
        public let body: String
        public let comments: [ReviewComment]

        public init(id: Int, pullRequest: Int, author: String, state: String, body: String, comments: [ReviewComment]) {
            self.id = id
            self.pullRequest = pullRequest
            self.author = author
            self.state = state
            self.body = body
            self.comments = comments
        }
    }

    public struct ReviewComment: Sendable {
        public let id: Int
        public let path: String
        public let line: Int
        public let body: String
        public let diffHunk: String

        public init(id: Int, path: String, line: Int, body: String, diffHunk: String) {
            self.id = id
            self.path = path
            self.line = line
            self.body = body
            self.diffHunk = diffHunk
        }
    }

    public struct Comment: Sendable {
        public let id: Int
        public let pullRequest: Int
        public let body: String
    }

    public let token: String
    public let repository: String
    public private(set) var blobs: [String: Data] = [:]
    /// A tree's files: path → (mode, blob sha); the base tree's files are not known to the fake.
    public private(set) var trees: [String: (base: String?, entries: [String: (mode: String, blob: String?)])] = [:]
    public private(set) var commits: [String: (message: String, tree: String, parents: [String])] = [:]
    public private(set) var refs: [String: String] = [:]
    public private(set) var pullRequests: [PullRequest] = []
    public private(set) var reviews: [Review] = []
    public private(set) var comments: [Comment] = []
    public private(set) var violations: [String] = []
    public private(set) var requests: [String] = []
    let git: FakeGitDatabase?

    /// `gitDirectory`: the bare repository clones come from, which the Git database writes to.
    public init(token: String, repository: String, gitDirectory: String? = nil) {
        self.token = token
        self.repository = repository
        git = gitDirectory.map(FakeGitDatabase.init)
    }

    /// A review someone submitted on GitHub.
    public func submit(_ review: Review) { reviews.append(review) }

    /// The pull request closed, or merged, on GitHub.
    public func close(_ number: Int, merged: Bool) {
        for index in pullRequests.indices where pullRequests[index].number == number {
            pullRequests[index].state = "closed"
            pullRequests[index].merged = merged
        }
    }

    /// A branch created before Kinexus's run: an earlier attempt's.
    public func createRef(_ ref: String, sha: String) { refs[ref] = sha }

    public func handle(_ request: FakeRequest) async -> FakeResponse {
        requests.append("\(request.method) \(request.path)")
        guard request.header("Authorization") == "Bearer \(token)" else { return .json(401, #"{"message":"Bad credentials"}"#) }
        if request.header("User-Agent") == nil { violations.append("\(request.path): no User-Agent (GitHub refuses those)") }
        if request.header("Accept") != "application/vnd.github+json" { violations.append("\(request.path): Accept is not application/vnd.github+json") }
        if request.header("X-GitHub-Api-Version") == nil { violations.append("\(request.path): no X-GitHub-Api-Version") }
        let prefix = "/repos/\(repository)"
        guard request.path.hasPrefix(prefix) else { return .json(404, #"{"message":"Not Found"}"#) }
        let route = String(request.path.dropFirst(prefix.count))
        let body = (try? JSONValue(parsing: request.body)) ?? .null
        let parts = route.split(separator: "/").map(String.init)
        switch (request.method, route) {
        case ("POST", "/git/blobs"): return await createBlob(body)
        case ("POST", "/git/trees"): return await createTree(body)
        case ("POST", "/git/commits"): return await createCommit(body)
        case ("POST", "/git/refs"): return await createRef(body)
        case ("PATCH", _) where route.hasPrefix("/git/refs/heads/"):
            return await updateRef(String(route.dropFirst("/git/refs/".count)), body)
        case ("POST", "/pulls"): return openPullRequest(body)
        case ("GET", "/pulls"): return listPullRequests(request.query)
        case ("GET", _) where parts.count == 2 && parts[0] == "pulls": return pullRequest(Int(parts[1]))
        case ("GET", _) where parts.count == 4 && parts[0] == "pulls" && parts[2] == "reviews":
            return review(Int(parts[1]), Int(parts[3]))
        case ("GET", _) where parts.count == 5 && parts[0] == "pulls" && parts[2] == "reviews" && parts[4] == "comments":
            return reviewComments(Int(parts[1]), Int(parts[3]), request.query)
        case ("GET", _) where parts.count == 3 && parts[0] == "issues" && parts[2] == "comments":
            return listComments(Int(parts[1]), request.query)
        case ("POST", _) where parts.count == 3 && parts[0] == "issues" && parts[2] == "comments":
            return createComment(Int(parts[1]), body)
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

    private func createBlob(_ body: JSONValue) async -> FakeResponse {
        guard let content = body["content"]?.stringValue else { return refuse("blob", 422, "content is required") }
        let data: Data?
        switch body["encoding"]?.stringValue ?? "utf-8" {
        case "base64": data = Data(base64Encoded: content)
        case "utf-8": data = Data(content.utf8)
        default: return refuse("blob", 422, "encoding must be utf-8 or base64")
        }
        guard let data else { return refuse("blob", 422, "content is not base64") }
        let id = await git?.blob(data) ?? sha("blob", content)
        blobs[id] = data
        return .json(201, JSONValue.object(["sha": .string(id), "url": .string("https://api.github.test/blobs/\(id)")]).jsonText)
    }

    private func createTree(_ body: JSONValue) async -> FakeResponse {
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
        let id: String
        if let git {
            guard let written = await git.tree(base: base, files) else { return refuse("tree", 422, "base_tree or a blob does not exist") }
            id = written
        } else {
            id = sha("tree", base ?? "", body.jsonText)
        }
        trees[id] = (base, files)
        return .json(201, JSONValue.object(["sha": .string(id)]).jsonText)
    }

    private func createCommit(_ body: JSONValue) async -> FakeResponse {
        guard let message = body["message"]?.stringValue, !message.isEmpty else { return refuse("commit", 422, "message is required") }
        guard let tree = body["tree"]?.stringValue, trees[tree] != nil else { return refuse("commit", 422, "tree must be a created tree") }
        guard let parents = body["parents"]?.arrayValue?.compactMap(\.stringValue), parents.count == body["parents"]?.arrayValue?.count
        else { return refuse("commit", 422, "parents must be an array of shas") }
        let id: String
        if let git {
            guard let written = await git.commit(tree: tree, parents: parents, message: message) else {
                return refuse("commit", 422, "parents must be commits of the repository")
            }
            id = written
        } else {
            id = sha("commit", message, tree, parents.joined())
        }
        commits[id] = (message, tree, parents)
        return .json(201, JSONValue.object(["sha": .string(id)]).jsonText)
    }

    private func createRef(_ body: JSONValue) async -> FakeResponse {
        guard let ref = body["ref"]?.stringValue, ref.hasPrefix("refs/"), ref.split(separator: "/").count >= 3 else {
            return refuse("ref", 422, "ref must be fully qualified (refs/heads/…)")
        }
        guard let target = body["sha"]?.stringValue, commits[target] != nil else { return refuse("ref", 422, "sha must be a created commit") }
        guard refs[ref] == nil else { return .json(422, #"{"message":"Reference already exists"}"#) }
        refs[ref] = target
        await git?.setRef(ref, to: target)
        return .json(201, JSONValue.object(["ref": .string(ref), "object": ["sha": .string(target)]]).jsonText)
    }

    /// Without `force`, GitHub moves a ref only forward: to a commit whose parent is where it points.
    private func updateRef(_ ref: String, _ body: JSONValue) async -> FakeResponse {
        guard let target = body["sha"]?.stringValue, commits[target] != nil else { return refuse("ref", 422, "sha must be a created commit") }
        guard let current = refs["refs/" + ref] else { return refuse("ref", 422, "Reference does not exist") }
        guard body["force"] == .bool(true) || commits[target]?.parents.contains(current) == true else {
            return .json(422, #"{"message":"Update is not a fast forward"}"#)
        }
        refs["refs/" + ref] = target
        await git?.setRef("refs/" + ref, to: target)
        return .json(200, JSONValue.object(["ref": .string("refs/" + ref), "object": ["sha": .string(target)]]).jsonText)
    }

    private func openPullRequest(_ body: JSONValue) -> FakeResponse {
        guard let title = body["title"]?.stringValue, let head = body["head"]?.stringValue, let base = body["base"]?.stringValue else {
            return refuse("pulls", 422, "title, head and base are required")
        }
        guard refs["refs/heads/\(head)"] != nil else { return refuse("pulls", 422, "head \(head) does not exist") }
        if let draft = body["draft"], draft != .bool(true) && draft != .bool(false) { return refuse("pulls", 422, "draft must be a boolean") }
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
         "title": .string(pull.title), "state": .string(pull.state), "merged": .bool(pull.merged),
         "head": ["ref": .string(pull.head), "sha": refs["refs/heads/\(pull.head)"].map(JSONValue.string) ?? .null],
         "base": ["ref": .string(pull.base)]]
    }

    private func pullRequest(_ number: Int?) -> FakeResponse {
        guard let pull = pullRequests.first(where: { $0.number == number }) else { return .json(404, #"{"message":"Not Found"}"#) }
        return .json(200, pullJSON(pull).jsonText)
    }

    private func review(_ number: Int?, _ id: Int?) -> FakeResponse {
        guard let review = reviews.first(where: { $0.pullRequest == number && $0.id == id }) else {
            return .json(404, #"{"message":"Not Found"}"#)
        }
        return .json(200, JSONValue.object([
            "id": .number(Double(review.id)), "user": ["login": .string(review.author), "type": "User"], "body": .string(review.body),
            "state": .string(review.state.uppercased()),
            "html_url": .string("https://github.test/\(repository)/pull/\(review.pullRequest)#pullrequestreview-\(review.id)"),
        ]).jsonText)
    }

    /// A listing's `per_page` (at most 100) and `page`, as GitHub reads them.
    private func page<T>(_ items: [T], _ query: [String: String]) -> ArraySlice<T>? {
        let perPage = Int(query["per_page"] ?? "30") ?? 0, page = Int(query["page"] ?? "1") ?? 0
        guard (1...100).contains(perPage), page >= 1 else { return nil }
        return items.dropFirst(perPage * (page - 1)).prefix(perPage)
    }

    private func reviewComments(_ number: Int?, _ id: Int?, _ query: [String: String]) -> FakeResponse {
        guard let review = reviews.first(where: { $0.pullRequest == number && $0.id == id }) else {
            return .json(404, #"{"message":"Not Found"}"#)
        }
        guard let listed = page(review.comments, query) else { return refuse("comments", 422, "per_page must be 1…100") }
        return .json(200, JSONValue.array(listed.map { comment in
            ["id": .number(Double(comment.id)), "pull_request_review_id": .number(Double(review.id)), "path": .string(comment.path),
             "line": .number(Double(comment.line)), "body": .string(comment.body), "diff_hunk": .string(comment.diffHunk),
             "user": ["login": .string(review.author), "type": "User"]]
        }).jsonText)
    }

    private func listComments(_ number: Int?, _ query: [String: String]) -> FakeResponse {
        guard pullRequests.contains(where: { $0.number == number }) else { return .json(404, #"{"message":"Not Found"}"#) }
        guard let listed = page(comments.filter { $0.pullRequest == number }, query) else {
            return refuse("comments", 422, "per_page must be 1…100")
        }
        return .json(200, JSONValue.array(listed.map(commentJSON)).jsonText)
    }

    private func createComment(_ number: Int?, _ body: JSONValue) -> FakeResponse {
        guard let number, pullRequests.contains(where: { $0.number == number }) else { return .json(404, #"{"message":"Not Found"}"#) }
        guard let text = body["body"]?.stringValue, !text.isEmpty else { return refuse("comments", 422, "body is required") }
        guard text.count <= 65_536 else { return refuse("comments", 422, "body is too long (maximum is 65536 characters)") }
        let comment = Comment(id: 9000 + comments.count, pullRequest: number, body: text)
        comments.append(comment)
        return .json(201, commentJSON(comment).jsonText)
    }

    private func commentJSON(_ comment: Comment) -> JSONValue {
        ["id": .number(Double(comment.id)), "body": .string(comment.body), "user": ["login": "kinexus-bot", "type": "User"],
         "html_url": .string("https://github.test/\(repository)/pull/\(comment.pullRequest)#issuecomment-\(comment.id)")]
    }
}
