import Foundation
import KinexusBus
import KinexusEvents
import KinexusRedis
import KinexusServiceKit
import KinexusTestSupport
import PostgresNIO
import Testing

/// The knowledge bucket in the console: uploading a file, deleting it, and asking for a full re-index.
@Suite(.serialized) struct ConsoleKnowledgeTests {
    let harness = ConsoleHarness()


    func changes(_ redis: RedisClient, key: String) async throws -> [KnowledgeObjectChanged] {
        let stream = Topic(source: "kinexus.kb", detailType: "KnowledgeObjectChanged").streamKey
        let entries = StreamEntry.parseEntries(try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", "200"), stream: stream)
        return entries.compactMap { try? $0.envelope().decodeDetail(as: KnowledgeObjectChanged.self) }.filter { $0.key == key }
    }

    @Test func anAgentUploadsADocumentAndDeletesIt() async throws {
        try await harness.run { world in
            let agent = try await world.signedIn([.agent]).0
            let page = try await agent.get("/console/knowledge")
            let folder = TestEnvironment.unique("docs")
            let uploaded = try await agent.upload("/console/knowledge/upload", [("csrf", page.csrf ?? ""), ("folder", folder)],
                                                  file: ("file", "refunds.md", "application/octet-stream",
                                                        "# Refunds\n\nWithin 30 days; a refund link escapes a NUL as %00."))
            #expect(uploaded.status == .seeOther)
            let key = "\(folder)/refunds.md"
            #expect(try await changes(world.redis, key: key).map(\.change) == ["Object Created"])
            #expect(try await agent.get("/console/knowledge").body.contains("<td>\(key)</td>"))

            let refused = try await agent.upload("/console/knowledge/upload", [("csrf", "wrong")],
                                                 file: ("file", "x.md", "text/markdown", "x"))
            #expect(refused.status == .forbidden, "the form token is checked in a multipart form too")

            let deleted = try await agent.post("/console/knowledge/delete", [("csrf", page.csrf ?? ""), ("key", key)])
            #expect(deleted.status == .seeOther)
            #expect(try await changes(world.redis, key: key).map(\.change) == ["Object Deleted", "Object Created"])
            #expect(try await agent.post("/console/knowledge/delete", [("csrf", page.csrf ?? ""), ("key", key)]).status == .notFound)
        }
    }

    @Test func anAdminAsksForAReindexAndSeesTheJob() async throws {
        try await harness.run { world in
            let admin = try await world.signedIn([.admin]).0
            let page = try await admin.get("/console/knowledge")
            let asked = try await admin.post("/console/knowledge/reindex", [("csrf", page.csrf ?? "")])
            #expect(asked.status == .seeOther)
            let job = try await admin.get(try #require(asked.headers[.location]))
            #expect(job.body.contains("Job queued"))
            let viewer = try await world.signedIn([.viewer]).0
            let viewerPage = try await viewer.get("/console/knowledge?q=refunds")
            #expect(!viewerPage.body.contains("Re-index everything"))
            #expect(!viewerPage.body.contains("Upload"))
            #expect(try await viewer.post("/console/knowledge/reindex", [("csrf", viewerPage.csrf ?? "")]).status == .forbidden)
        }
    }
}
