import Foundation
import KinexusTestSupport
import PostgresNIO
import Testing

/// The console's lists page by keyset: following "Next" to the end and "Previous" back shows every row once, in the
/// list's order, even where rows share a time and only their ids tell them apart.
@Suite(.serialized) struct ConsolePaginationTests {
    let harness = ConsoleHarness()

    @Test func theReviewQueueShowsEveryReviewOnceForwardAndBack() async throws {
        try await harness.run { world in
            let prefix = TestEnvironment.unique("Keyset review")
            for number in 0..<110 {
                _ = try await ConsoleHarness.seedReview(world.postgres, title: "\(prefix) \(number)", logger: harness.logger)
            }
            // Three reviews to each time, newer than any other test's: the last pages of the oldest-first queue, so
            // the home page's longest-waiting five, which other tests look at meanwhile, stay theirs.
            try await world.postgres.query("""
                UPDATE docs.reviews SET created_at = timestamptz '2201-02-03 04:05:06.123456+00'
                    + (split_part(title, ' ', 3)::int / 3) * interval '1 second'
                WHERE title LIKE \(prefix + " %")
                """, logger: harness.logger)
            let expected = try await titles(world.postgres, """
                SELECT title FROM docs.reviews WHERE title LIKE \(prefix + " %") ORDER BY created_at, review_id
                """)
            let (visitor, _) = try await world.signedIn([.reviewer])
            try await expectEveryRowOnce(visitor, from: "/console/reviews", prefix: prefix, expected: expected)
            // Gone again: other tests look for their reviews near the front of the same queue.
            try await world.postgres.query("""
                WITH gone AS (DELETE FROM docs.reviews WHERE title LIKE \(prefix + " %") RETURNING document_id),
                     versions AS (DELETE FROM docs.document_versions WHERE document_id IN (SELECT document_id FROM gone))
                DELETE FROM docs.documents WHERE document_id IN (SELECT document_id FROM gone)
                """, logger: harness.logger)
        }
    }

    @Test func theTicketListShowsEveryTicketOnceNewestFirstForwardAndBack() async throws {
        try await harness.run { world in
            let prefix = TestEnvironment.unique("Keyset ticket")
            for number in 0..<110 {
                try await world.postgres.query("""
                    INSERT INTO support.tickets (ticket_id, customer_external_id, subject, description, channel, priority, created_at)
                    VALUES (\(UUID().uuidString), 'nobody', \(prefix + " \(number)"), '', 'email', 'low', now())
                    """, logger: harness.logger)
            }
            // Three to each time, at the start of 2001: the last pages of the newest-first list, behind other tests' tickets.
            try await world.postgres.query("""
                UPDATE support.tickets SET received_at = timestamptz '2001-01-01 00:00:00.000001+00'
                    + (split_part(subject, ' ', 3)::int / 3) * interval '1 second'
                WHERE subject LIKE \(prefix + " %")
                """, logger: harness.logger)
            let expected = try await titles(world.postgres, """
                SELECT subject FROM support.tickets WHERE subject LIKE \(prefix + " %") ORDER BY received_at DESC, ticket_id DESC
                """)
            let (visitor, _) = try await world.signedIn([.agent])
            try await expectEveryRowOnce(visitor, from: "/console/support", prefix: prefix, expected: expected)
        }
    }

    @Test func theKnowledgeBucketShowsEveryObjectOnceByKeyForwardAndBack() async throws {
        try await harness.run { world in
            // After other tests' keys: the last pages of the list by key, so their objects stay on the first.
            let prefix = "zzkeyset-" + UUID().uuidString.prefix(8).lowercased()
            try await world.postgres.query("""
                INSERT INTO bucket.objects (key, content, content_type, content_hash, size)
                SELECT \(prefix) || ' ' || i, '', 'text/markdown', '', 0 FROM generate_series(0, 109) i
                """, logger: harness.logger)
            let expected = try await titles(world.postgres, "SELECT key FROM bucket.objects WHERE key LIKE \(prefix + " %") ORDER BY key")
            let (visitor, _) = try await world.signedIn([.agent])
            try await expectEveryRowOnce(visitor, from: "/console/knowledge", prefix: prefix, expected: expected)
            try await world.postgres.query("DELETE FROM bucket.objects WHERE key LIKE \(prefix + " %")", logger: harness.logger)
        }
    }

    @Test(arguments: ["after=12~not-a-uuid", "before=x~y", "after=99999999999999999999~\(UUID())", "after=~", "before="])
    func aBoundThatIsNotOneShowsTheFirstPage(query: String) async throws {
        try await harness.run { world in
            let (visitor, _) = try await world.signedIn([.reviewer])
            let page = try await visitor.get("/console/reviews?\(query)")
            #expect(page.status == .ok)
            #expect(!page.body.contains(#"rel="prev""#))
        }
    }

    private func titles(_ postgres: PostgresClient, _ query: PostgresQuery) async throws -> [String] {
        var titles: [String] = []
        for try await title in try await postgres.query(query, logger: harness.logger).decode(String.self) { titles.append(title) }
        return titles
    }

    /// Follows "Next" from `path` until every expected row was seen, then "Previous" back to the first page.
    private func expectEveryRowOnce(_ visitor: Visitor, from path: String, prefix: String, expected: [String]) async throws {
        var forward: [String] = [], pages: [String] = [], next: String? = path
        while let path = next, forward.count < expected.count {
            let page = try await visitor.get(path)
            #expect(page.status == .ok)
            pages.append(path)
            forward += try rows(page.body, prefix: prefix)
            next = try link("next", in: page.body)
        }
        #expect(forward == expected, "every row once, in the list's order")
        #expect(pages.count >= 3, "the rows span pages")

        let last = try await visitor.get(pages[pages.count - 1])
        var backward = try rows(last.body, prefix: prefix).reversed() as [String], previous = try link("prev", in: last.body)
        while let path = previous {
            let page = try await visitor.get(path)
            backward += try rows(page.body, prefix: prefix).reversed()
            previous = try link("prev", in: page.body)
        }
        #expect(backward == expected.reversed(), "the same rows going back, up to the first page")
    }

    private func rows(_ body: String, prefix: String) throws -> [String] {
        body.matches(of: try Regex(">(\(NSRegularExpression.escapedPattern(for: prefix)) [0-9]+)<")).compactMap {
            $0.output[1].substring.map(String.init)
        }
    }

    private func link(_ relation: String, in body: String) throws -> String? {
        guard let match = body.firstMatch(of: try Regex(#"<a rel="\#(relation)" href="([^"]+)""#)) else { return nil }
        return match.output[1].substring.map { String($0).replacingOccurrences(of: "&amp;", with: "&") }
    }
}
