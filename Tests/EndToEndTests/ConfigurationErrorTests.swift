import KinexusTestSupport
import Testing

/// An operator who sets half of an integration learns which variable is missing, from one log line and the
/// exit status, not from a crash report.
struct ConfigurationErrorTests {
    @Test(arguments: [
        ("approver", ["KINEXUS_JIRA_BASE_URL": "https://example.atlassian.net"], "KINEXUS_JIRA_EMAIL must be set"),
        ("orchestrator", ["KINEXUS_LLM_PROVIDER": "openai"], "KINEXUS_LLM_MODEL must name a model"),
        ("reviewer", ["KINEXUS_VISIBILITY_TIMEOUT": "soon"], "KINEXUS_VISIBILITY_TIMEOUT"),
    ])
    func aBadSettingStopsTheServiceNamingIt(service: String, environment: [String: String], message: String) async throws {
        var settings = environment
        settings["KINEXUS_HTTP_PORT"] = String(freePort())
        let process = try ChildProcess(service: service, environment: settings)
        try process.start()
        #expect(await process.exitStatus(within: .seconds(30)) == 78)
        #expect(process.output.contains(#""level":"critical""#), "\(process.output)")
        #expect(process.output.contains(message), "\(process.output)")
        #expect(!process.output.contains("Fatal error"), "\(process.output)")
    }
}
