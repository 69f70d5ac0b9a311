import Atlassian
import Testing
import FakeServices
import Logging
import OutboundHTTP

let testEmail = "kinexus-bot@example.com"
let testToken = "atlassian-api-token"

func quickRetries(_ service: String) -> RetryingHTTPClient {
    RetryingHTTPClient(service: service, policy: .init(timeout: .seconds(5), attempts: 3, firstDelay: .milliseconds(5)),
                       logger: Logger(label: "test"))
}

func withJira(_ body: @Sendable (JiraClient, FakeJira) async throws -> Void) async throws {
    let fake = try await FakeJira(email: testEmail, token: testToken)
    try await withFakeServer({ await fake.handle($0) }) { base in
        let settings = try AtlassianSettings(environment: [
            "KINEXUS_JIRA_BASE_URL": base + "/", "KINEXUS_JIRA_EMAIL": testEmail, "KINEXUS_JIRA_API_TOKEN": testToken,
            "KINEXUS_JIRA_PROJECT_KEY": "DOCS",
        ])
        try await body(JiraClient(settings: try #require(settings.jira), http: quickRetries("Jira")), fake)
    }
}

func withConfluence(parentID: String? = "4242", _ body: @Sendable (ConfluenceClient, FakeConfluence) async throws -> Void) async throws {
    let fake = try await FakeConfluence(spaceKey: "ENG", email: testEmail, token: testToken)
    try await withFakeServer({ await fake.handle($0) }) { base in
        var environment = [
            "KINEXUS_CONFLUENCE_URL": base + "/wiki", "KINEXUS_JIRA_EMAIL": testEmail, "KINEXUS_JIRA_API_TOKEN": testToken,
            "KINEXUS_CONFLUENCE_SPACE_KEY": "ENG",
        ]
        environment["KINEXUS_CONFLUENCE_PARENT_ID"] = parentID
        let settings = try AtlassianSettings(environment: environment)
        try await body(ConfluenceClient(settings: try #require(settings.confluence), http: quickRetries("Confluence"),
                                        logger: Logger(label: "test")), fake)
    }
}
