import StoryRules
import Foundation
import KinexusPostgres
import Logging
import PostgresNIO

/// The ingress's `stories` tables.
struct StoryStore: Sendable {
    /// The pool, or one connection inside the transaction of `locked`.
    enum Database: Sendable {
        case pool(PostgresClient)
        case transaction(PostgresConnection)
    }

    let database: Database
    let logger: Logger

    init(client: PostgresClient, logger: Logger) {
        self.init(database: .pool(client), logger: logger)
    }

    init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    @discardableResult
    private func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        switch database {
        case .pool(let client): try await client.tracedQuery(query, logger: logger)
        case .transaction(let connection): try await connection.tracedQuery(query, logger: logger)
        }
    }

    /// Runs `body` in a transaction that holds the lock of the story tree: the checks that span stories
    /// (no cycle, the Done guard) and the write they allow happen with no other change to the tree between.
    func locked<Result: Sendable>(_ body: @escaping @Sendable (StoryStore) async throws -> Result) async throws -> Result {
        guard case .pool(let client) = database else { return try await body(self) }
        return try await client.transaction(logger: logger) { connection in
            try await connection.tracedQuery("SELECT pg_advisory_xact_lock(hashtextextended('kinexus.stories.tree', 0))", logger: logger)
            return try await body(StoryStore(database: .transaction(connection), logger: logger))
        }
    }

    static func migrations() throws -> [Migration] {
        try Migration.loadBundled(Bundle.module.url(forResource: "Migrations", withExtension: nil), owner: "ingress")
    }

    private static let columns = """
        SELECT story_id, parent_id, title, description, as_a, i_want, so_that, components, story_points,
               assignee_email, status FROM stories.stories
        """

    func all() async throws -> [Story] {
        try await stories(query("\(unescaped: Self.columns) ORDER BY created_at, story_id"))
    }

    /// Top-level stories with their creation, oldest first: `limit` of them from `bound` (a story's creation and
    /// id), from the oldest when nil.
    func roots(from bound: PageBound?, limit: Int) async throws -> [(story: Story, createdAt: Date)] {
        let page = KeysetPage(bound, newestFirst: false, firstID: KeysetPage.anyUUID)
        guard let id = UUID(uuidString: page.id) else { return [] }
        let rows = try await query("""
            SELECT story_id, parent_id, title, description, as_a, i_want, so_that, components, story_points,
                   assignee_email, status, created_at FROM stories.stories WHERE parent_id IS NULL
              AND (created_at, story_id) \(unescaped: page.comparison) (\(page.time)::timestamptz, \(id))
            ORDER BY created_at \(unescaped: page.order), story_id \(unescaped: page.order) LIMIT \(limit)
            """)
        var found: [(Story, Date)] = []
        for try await (id, parent, title, description, asA, iWant, soThat, components, points, assignee, status, created)
            in rows.decode((UUID, UUID?, String, String, String, String, String, [String], Int?, String?, String, Date).self) {
            found.append((Story(id: id, parentID: parent, title: title, description: description, asA: asA, iWant: iWant,
                                soThat: soThat, components: components, storyPoints: points, assigneeEmail: assignee,
                                status: status), created))
        }
        return page.rows(found)
    }

    /// Every story below `ids`, at any depth: one indexed query a level (a recursive query's join was planned
    /// as a scan of every story).
    func descendants(of ids: [UUID]) async throws -> [Story] {
        var below: [Story] = [], level = ids, seen = Set(ids)
        while !level.isEmpty {
            let children = try await stories(query("""
                \(unescaped: Self.columns) WHERE parent_id = ANY(\(level)) ORDER BY created_at, story_id
                """)).filter { seen.insert($0.id).inserted }
            below += children
            level = children.map(\.id)
        }
        return below
    }

    /// Stories in one of `statuses`, oldest first, at most `limit`.
    func stories(in statuses: [String], limit: Int) async throws -> [Story] {
        try await stories(query("\(unescaped: Self.columns) WHERE status = ANY(\(statuses)) ORDER BY created_at, story_id LIMIT \(limit)"))
    }

    func story(_ id: UUID) async throws -> Story? {
        try await stories(query("\(unescaped: Self.columns) WHERE story_id = \(id)")).first
    }

    func children(of id: UUID) async throws -> [Story] {
        try await stories(query("\(unescaped: Self.columns) WHERE parent_id = \(id) ORDER BY created_at"))
    }

    private func stories(_ rows: PostgresRowSequence) async throws -> [Story] {
        var found: [Story] = []
        for try await (id, parent, title, description, asA, iWant, soThat, components, points, assignee, status)
            in rows.decode((UUID, UUID?, String, String, String, String, String, [String], Int?, String?, String).self) {
            found.append(Story(id: id, parentID: parent, title: title, description: description, asA: asA, iWant: iWant,
                               soThat: soThat, components: components, storyPoints: points, assigneeEmail: assignee,
                               status: status))
        }
        return found
    }

    /// The parents along the chain above `story`, for the no-cycle rule: only that chain is read, and
    /// `UNION` ends the walk should the data already hold a loop.
    func ancestry(of story: UUID) async throws -> [UUID: UUID] {
        var parents: [UUID: UUID] = [:]
        let rows = try await query("""
            WITH RECURSIVE chain AS (
                SELECT story_id, parent_id FROM stories.stories WHERE story_id = \(story)
                UNION
                SELECT s.story_id, s.parent_id FROM stories.stories s JOIN chain ON s.story_id = chain.parent_id)
            SELECT story_id, parent_id FROM chain WHERE parent_id IS NOT NULL
            """)
        for try await (id, parent) in rows.decode((UUID, UUID).self) { parents[id] = parent }
        return parents
    }

    func insert(_ story: Story) async throws {
        try await query("""
            INSERT INTO stories.stories (story_id, parent_id, title, description, as_a, i_want, so_that, components,
                                         story_points, assignee_email, status)
            VALUES (\(story.id), \(story.parentID), \(story.title), \(story.description), \(story.asA), \(story.iWant),
                    \(story.soThat), \(story.components), \(story.storyPoints), \(story.assigneeEmail), \(story.status))
            """)
    }

    func update(_ story: Story) async throws {
        try await query("""
            UPDATE stories.stories SET parent_id = \(story.parentID), title = \(story.title),
                description = \(story.description), as_a = \(story.asA), i_want = \(story.iWant), so_that = \(story.soThat),
                components = \(story.components), story_points = \(story.storyPoints),
                assignee_email = \(story.assigneeEmail), status = \(story.status), updated_at = now()
            WHERE story_id = \(story.id)
            """)
    }

    private static let testColumns = """
        SELECT test_id, story_id, title, given_steps, when_steps, then_steps, status FROM stories.acceptance_tests
        """

    func tests(of storyID: UUID) async throws -> [AcceptanceTest] {
        try await tests(query("\(unescaped: Self.testColumns) WHERE story_id = \(storyID) ORDER BY created_at, test_id"))
    }

    func test(_ id: UUID) async throws -> AcceptanceTest? {
        try await tests(query("\(unescaped: Self.testColumns) WHERE test_id = \(id)")).first
    }

    private func tests(_ rows: PostgresRowSequence) async throws -> [AcceptanceTest] {
        var found: [AcceptanceTest] = []
        for try await (id, story, title, given, when, then, status)
            in rows.decode((UUID, UUID, String, [String], [String], [String], String).self) {
            found.append(AcceptanceTest(id: id, storyID: story, title: title, given: given, when: when, then: then, status: status))
        }
        return found
    }

    func save(_ test: AcceptanceTest) async throws {
        try await query("""
            INSERT INTO stories.acceptance_tests (test_id, story_id, title, given_steps, when_steps, then_steps, status)
            VALUES (\(test.id), \(test.storyID), \(test.title), \(test.given), \(test.when), \(test.then), \(test.status))
            ON CONFLICT (test_id) DO UPDATE SET title = EXCLUDED.title, given_steps = EXCLUDED.given_steps,
                when_steps = EXCLUDED.when_steps, then_steps = EXCLUDED.then_steps, status = EXCLUDED.status,
                updated_at = now()
            """)
    }

    /// Deletes a story without children; answers false when it has some (or does not exist).
    func deleteLeaf(_ id: UUID) async throws -> Bool {
        let rows = try await query("""
            DELETE FROM stories.stories s WHERE s.story_id = \(id)
              AND NOT EXISTS (SELECT 1 FROM stories.stories c WHERE c.parent_id = s.story_id)
            RETURNING s.story_id
            """)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }
}
