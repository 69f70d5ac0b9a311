import Atlassian
import DocumentWriting
import KinexusEvents
import Logging
import MarkdownRendering
import OutboundHTTP
import PostgresNIO

/// Confluence pages of the configured space that share words with the change (CQL `text ~`), read as
/// markdown so an update can keep their structure.
public struct ConfluenceFinder: PageFinder {
    let confluence: ConfluenceClient
    let limit: Int

    public init(confluence: ConfluenceClient, limit: Int = 3) {
        self.confluence = confluence
        self.limit = limit
    }

    public func candidates(for change: ChangeDetected) async throws -> [RelatedPage] {
        let words = KeywordOverlap.keywords(([change.summary] + change.components).joined(separator: " ")).sorted()
        guard !words.isEmpty else { return [] }
        let hits = try await confluence.search("text ~ \(ConfluenceClient.literal(words.joined(separator: " ")))", limit: limit)
        var pages: [RelatedPage] = []
        for hit in hits {
            let page = try await confluence.page(id: hit.id)
            pages.append(RelatedPage(title: page.title, markdown: StorageMarkdown.markdown(fromStorage: page.storage)))
        }
        return pages
    }
}

/// Several finders asked in turn, their candidates together.
public struct PageFinders: PageFinder {
    let finders: [any PageFinder]

    public func candidates(for change: ChangeDetected) async throws -> [RelatedPage] {
        var pages: [RelatedPage] = []
        for finder in finders {
            pages += try await finder.candidates(for: change).filter { page in !pages.contains { $0.title == page.title } }
        }
        return pages
    }

    /// The page store always (the approver mirrors every publication there); Confluence too when configured.
    public static func configured(environment: [String: String], postgres: PostgresClient, logger: Logger) throws -> PageFinders {
        var finders: [any PageFinder] = [PageStoreFinder(client: postgres, logger: logger)]
        if let settings = try AtlassianSettings(environment: environment).confluence {
            let client = ConfluenceClient(settings: settings, http: RetryingHTTPClient(service: "Confluence", logger: logger), logger: logger)
            finders.append(ConfluenceFinder(confluence: client))
        }
        return PageFinders(finders: finders)
    }
}
