import Atlassian
import FakeServices
import Testing

@Suite("Confluence client against a fake Confluence checked by the v1 and v2 OpenAPI documents")
struct ConfluenceClientTests {
    @Test("publishing a new title creates the page under the configured parent")
    func createsPage() async throws {
        try await withConfluence { confluence, fake in
            let page = try await confluence.publish(title: "Rate limits", storage: "<p>One</p>")
            #expect(page.version == 1)
            #expect(page.url == "https://example.atlassian.net/wiki/spaces/ENG/pages/\(page.id)")
            let stored = try #require(await fake.page(titled: "Rate limits"))
            #expect(stored.parentID == "4242")
            #expect(stored.storage == "<p>One</p>")
            #expect(await fake.violations == [])
        }
    }

    @Test("publishing an existing title updates it with version + 1; the same content twice makes one version")
    func updatesPage() async throws {
        try await withConfluence { confluence, fake in
            await fake.addPage(title: "Rate limits", storage: "<p>Old</p>")
            let updated = try await confluence.publish(title: "Rate limits", storage: "<p>New</p>")
            #expect(updated.version == 2)
            let again = try await confluence.publish(title: "Rate limits", storage: "<p>New</p>")
            #expect(again.version == 2)
            #expect(await fake.page(titled: "Rate limits")?.storage == "<p>New</p>")
            #expect(await fake.violations == [])
        }
    }

    @Test("a 409 from someone saving in between is answered by reading the page again and retrying")
    func versionConflict() async throws {
        try await withConfluence { confluence, fake in
            await fake.addPage(title: "Rate limits", storage: "<p>Old</p>")
            await fake.editConcurrently(times: 1)
            let page = try await confluence.publish(title: "Rate limits", storage: "<p>New</p>")
            #expect(page.version == 3)
            #expect(await fake.page(titled: "Rate limits")?.storage == "<p>New</p>")

            await fake.editConcurrently(times: 5)
            await #expect(throws: ConfluenceClient.VersionConflict.self) {
                try await confluence.publish(title: "Rate limits", storage: "<p>Newer</p>")
            }
            #expect(await fake.violations == [])
        }
    }

    @Test("search finds pages of the space by words, with titles quoted safely")
    func search() async throws {
        try await withConfluence(parentID: nil) { confluence, fake in
            await fake.addPage(title: "Rate limits", storage: "<p>Requests per minute for the public API</p>")
            await fake.addPage(title: "Billing", storage: "<p>Invoices</p>")
            let hits = try await confluence.search("text ~ \"api minute\"")
            #expect(hits.map(\.title) == ["Rate limits"])
            #expect(try await confluence.page(titled: "Say \"hi\" \\ bye") == nil)
            #expect(await fake.violations == [])
        }
    }
}
