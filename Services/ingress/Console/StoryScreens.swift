import Foundation
import Hummingbird
import KinexusServiceKit
import Stories
import StoryRules

/// The story tree, a story's page (its INVEST warnings beside its fields, its acceptance tests, children
/// and tasks) and the author's changes: a story, a test, and "Generate code & PR".
struct StoryScreens: Sendable {
    let editor: StoryEditor
    let tasks: TasksAPI
    let templates: ConsoleTemplates

    struct Node {
        let url: String
        let title: String
        let status: String
        let children: [Node]
    }

    /// A page of the tree, with the new-story form (as it was sent, when it comes back with warnings).
    func tree(_ request: Request, context: KinexusRequestContext, form: StoryForm = StoryForm(), status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let pagination = Pagination(request, isValidID: Pagination.uuids)
        let (read, below) = try await editor.tree(from: pagination.bound, limit: pagination.limit)
        let (shown, links) = pagination.page(read, path: "/console/stories") { ($0.createdAt, $0.story.id.uuidString.lowercased()) }
        let roots = shown.map(\.story)
        let byParent = Dictionary(grouping: below, by: \.parentID)
        func node(_ story: Story) -> Node {
            Node(url: "/console/stories/\(story.id.lowercased)", title: story.title, status: story.status,
                 children: (byParent[story.id] ?? []).map(node))
        }
        return try templates.page("stories", StoriesView(
            chrome: Chrome(context), rows: roots.map(node), pages: links, author: context.identity?.roles.contains(.author) == true,
            form: form), status: status)
    }

    struct StoriesView {
        let chrome: Chrome?
        let rows: [Node]
        let pages: PageLinks
        let author: Bool
        let form: StoryForm
    }

    /// The story form's fields as sent (so a refused form keeps what was typed), and the warnings to accept.
    struct StoryForm: Decodable {
        var title = ""
        var asA = ""
        var iWant = ""
        var soThat = ""
        var description = ""
        var storyPoints = ""
        var parentID = ""
        var status = ""
        var acceptWarnings: String?
        var warnings: [WarningRow] = []
        var error: String?
        /// Before the fields' ids, so that two story forms on one page keep their labels apart.
        var prefix = ""

        enum CodingKeys: String, CodingKey {
            case title, asA = "as_a", iWant = "i_want", soThat = "so_that", description, storyPoints = "story_points"
            case parentID = "parent_id", status, acceptWarnings = "accept_warnings"
        }

        init() {}

        init(_ story: Story) {
            title = story.title
            asA = story.asA
            iWant = story.iWant
            soThat = story.soThat
            description = story.description
            storyPoints = story.storyPoints.map(String.init) ?? ""
            parentID = story.parentID?.lowercased ?? ""
            status = story.status
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func text(_ key: CodingKeys) throws -> String { try container.decodeIfPresent(String.self, forKey: key) ?? "" }
            title = try text(.title)
            asA = try text(.asA)
            iWant = try text(.iWant)
            soThat = try text(.soThat)
            description = try text(.description)
            storyPoints = try text(.storyPoints)
            parentID = try text(.parentID)
            status = try text(.status)
            acceptWarnings = try container.decodeIfPresent(String.self, forKey: .acceptWarnings)
        }

        /// The statuses to choose from, the story's own selected.
        var statuses: [Choice] {
            Story.statuses.map { Choice(name: $0, selected: $0 == (status.isEmpty ? "Draft" : status)) }
        }

        /// The story's input, or why a field cannot be one.
        func input() throws -> StoryInput {
            let points = storyPoints.trimmingCharacters(in: .whitespaces)
            guard points.isEmpty || Int(points) != nil else { throw ConsoleRefusal(.badRequest, "Story points are a whole number.") }
            let parent = parentID.isEmpty ? nil : UUID(uuidString: parentID)
            guard parentID.isEmpty || parent != nil else { throw ConsoleRefusal(.badRequest, "The parent story is not a story.") }
            return StoryInput(parentID: parent.map { .some($0) }, title: title, description: description, asA: asA, iWant: iWant,
                              soThat: soThat, storyPoints: .some(points.isEmpty ? nil : Int(points)), status: status.isEmpty ? nil : status,
                              acceptWarnings: acceptWarnings != nil)
        }
    }

    struct Choice {
        let name: String
        let selected: Bool
    }

    struct WarningRow {
        let criterion: String
        let message: String
        let details: String
        let suggestion: String

        init(_ warning: InvestWarning) {
            criterion = warning.criterion.rawValue.capitalized
            message = warning.message
            details = warning.details
            suggestion = warning.suggestion
        }
    }

    struct TestForm: Decodable {
        var title = ""
        var given = ""
        var when = ""
        var then = ""
        var warnings: [String] = []

        enum CodingKeys: String, CodingKey { case title, given, when, then }

        init() {}

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            title = try container.decodeIfPresent(String.self, forKey: .title) ?? ""
            given = try container.decodeIfPresent(String.self, forKey: .given) ?? ""
            when = try container.decodeIfPresent(String.self, forKey: .when) ?? ""
            then = try container.decodeIfPresent(String.self, forKey: .then) ?? ""
        }

        /// One step per line.
        static func steps(_ text: String) -> [String] {
            text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

    }

    struct TestRow {
        let title: String
        let given: [String]
        let when: [String]
        let then: [String]
        let status: String
    }

    struct StoryView {
        let chrome: Chrome?
        let id: String
        let story: Story
        let warnings: [WarningRow]
        let hasWarnings: Bool
        let form: StoryForm
        let childForm: StoryForm
        /// Mustache reads stored properties only: the computed ones a template needs are set here.
        let childFormOpen: Bool
        let statuses: [Choice]
        let testForm: TestForm
        let tests: [TestRow]
        let children: [Node]
        let tasks: [TaskScreens.Row]
        let author: Bool
        let saved: Bool
    }

    func page(_ request: Request, context: KinexusRequestContext, id: String, form: StoryForm? = nil, testForm: TestForm? = nil,
              childForm: StoryForm? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let uuid = UUID(uuidString: id), let found = try await editor.story(uuid) else { throw ConsoleRefusal.notFound("story \(id)") }
        let tasks = try await tasks.tasks(from: nil, limit: 20, storyID: uuid)
        var child = childForm ?? StoryForm()
        child.parentID = uuid.lowercased
        child.prefix = "child_"
        let warnings = InvestCheck.warnings(for: found.story.draft(isEpic: !found.children.isEmpty)).map(WarningRow.init)
        return try templates.page("story", StoryView(
            chrome: Chrome(context), id: uuid.lowercased, story: found.story, warnings: warnings, hasWarnings: !warnings.isEmpty,
            form: form ?? StoryForm(found.story), childForm: child, childFormOpen: !child.warnings.isEmpty,
            statuses: (form ?? StoryForm(found.story)).statuses, testForm: testForm ?? TestForm(),
            tests: found.tests.map { TestRow(title: $0.title, given: $0.given, when: $0.when, then: $0.then, status: $0.status) },
            children: found.children.map { Node(url: "/console/stories/\($0.id.lowercased)", title: $0.title, status: $0.status, children: []) },
            tasks: tasks.map(TaskScreens.Row.init), author: context.identity?.roles.contains(.author) == true,
            saved: request.uri.queryParameters.get("saved") != nil), status: status)
    }

    /// A new story (a child when the form names a parent) or a change to one; warnings come back beside the
    /// fields until the author accepts them.
    func save(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let id = context.parameters.get("id")
        var form = try await decodeForm(StoryForm.self, request)
        let target = id.flatMap { UUID(uuidString: $0) }
        if id != nil, target == nil { throw ConsoleRefusal.notFound("story \(id ?? "")") }
        switch try await editor.save(target, try form.input()) {
        case .saved(let story, _, _):
            return .redirect(to: "/console/stories/\(story.id.lowercased)?saved=1")
        case .warned(let warnings):
            form.warnings = warnings.map(WarningRow.init)
            if let id { return try await page(request, context: context, id: id, form: form, status: .conflict) }
            if !form.parentID.isEmpty {
                return try await page(request, context: context, id: form.parentID, childForm: form, status: .conflict)
            }
            return try await tree(request, context: context, form: form, status: .conflict)
        case .blocked:
            form.error = "The story can be Done only when every child is Done and all its acceptance tests pass."
            return try await page(request, context: context, id: id ?? "", form: form, status: .conflict)
        }
    }

    func addTest(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        var form = try await decodeForm(TestForm.self, request)
        let input = AcceptanceTestInput(title: form.title, given: TestForm.steps(form.given), when: TestForm.steps(form.when),
                                        then: TestForm.steps(form.then))
        switch try await editor.saveTest(storyID: id, testID: nil, input) {
        case .saved:
            return .redirect(to: "/console/stories/\(id)?saved=1#tests")
        case .unmeasurable(let warnings):
            form.warnings = warnings.map { "Then step \($0.step + 1): “\($0.text)” — \($0.message) \($0.suggestion)" }
            return try await page(request, context: context, id: id, testForm: form, status: .conflict)
        }
    }

    func generate(_ request: Request, context: KinexusRequestContext) async throws -> Response {
        let task = try await tasks.generateCode(forStory: context.parameters.get("id") ?? "")
        return .redirect(to: "/console/tasks/\(task.taskID)")
    }
}

/// A console form's fields, or a 400 page when the body is not one.
func decodeForm<Form: Decodable>(_ type: Form.Type, _ request: Request) async throws -> Form {
    var request = request
    let body = try await request.collectBody(upTo: FormProtection.maximumBody)
    do {
        return try URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body))
    } catch {
        throw ConsoleRefusal(.badRequest, "The form was not complete; go back and send it again.")
    }
}
