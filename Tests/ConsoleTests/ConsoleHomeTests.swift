import Foundation
import KinexusBus
import KinexusRedis
import KinexusServiceKit
import KinexusTestSupport
import PostgresNIO
import Testing

/// The home page: what waits for the signed-in user.
@Suite(.serialized) struct ConsoleHomeTests {
    let harness = ConsoleHarness()

    @Test func homeShowsReviewsStoriesTasksTicketsAndForAdminsDeadLetters() async throws {
        try await harness.run { world in
            let review = try await ConsoleHarness.seedReview(world.postgres, title: "Home review", logger: harness.logger)
            // The longest waiting, so among the five the home page lists whatever other tests left behind.
            try await world.postgres.query("""
                UPDATE docs.reviews SET created_at = (SELECT min(created_at) FROM docs.reviews) - interval '1 second'
                WHERE review_id = \(review)
                """, logger: harness.logger)
            let story = "Ready story \(UUID().uuidString.prefix(6))"
            try await world.postgres.query("""
                INSERT INTO stories.stories (story_id, title, description, as_a, i_want, so_that, components, status, created_at)
                VALUES (\(UUID()), \(story), '', '', '', '', '{}', 'Ready',
                        (SELECT coalesce(min(created_at), now()) FROM stories.stories) - interval '1 second')
                """, logger: harness.logger)
            let subject = "A ticket of today \(UUID().uuidString.prefix(6))"
            try await world.postgres.query("""
                INSERT INTO support.tickets (ticket_id, customer_external_id, subject, description, channel, priority, created_at)
                VALUES (\(UUID().uuidString), 'nobody', \(subject), '', 'email', 'low', now())
                """, logger: harness.logger)
            let group = TestEnvironment.unique("home-group")
            // A dead-letter queue of before the groups were kept in a set: the ingress's start adds it.
            try await world.redis.send("XADD", DeadLetters.streamKey(group: group), "*", "error_code", "x")
            try await BusAdmin(redis: world.redis).backfillDeadLetterGroups()

            let name = TestEnvironment.unique("home"), password = try await world.accounts.add(name: name, roles: [.admin, .reviewer])
            let admin = Visitor(world.client)
            _ = try await admin.signIn(name, password)
            let home = try await admin.get("/")
            #expect(home.body.contains(">Home review</a>"))
            #expect(home.body.contains(">\(story)</a>"))
            #expect(home.body.contains(">\(subject)</a>"))
            #expect(home.body.contains(">\(group)</a>"))

            let viewerName = TestEnvironment.unique("home-viewer")
            let viewer = Visitor(world.client)
            _ = try await viewer.signIn(viewerName, try await world.accounts.add(name: viewerName, roles: [.viewer]))
            let viewerHome = try await viewer.get("/")
            #expect(viewerHome.body.contains("Today's tickets") || viewerHome.body.contains("Today&#39;s tickets"))
            #expect(!viewerHome.body.contains(">\(group)</a>"), "dead letters are for admins")
        }
    }
}
