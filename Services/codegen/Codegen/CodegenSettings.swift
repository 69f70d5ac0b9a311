import CodegenRules
import Foundation
import KinexusEvents
import KinexusSettings

/// The codegen service's `KINEXUS_CODEGEN_*`, `KINEXUS_GITHUB_*` and data-directory settings.
public struct CodegenSettings: Sendable {
    /// Agents this replica runs at once.
    public var maxSessions: Int
    /// Iterations a pull request gets from review feedback before a person must take over.
    public var maxIterations: Int
    /// The agent's command line; nil runs the embedded scaffold agent.
    public var agentCommand: String?
    public var timeout: Duration
    /// Bytes of the agent's output kept, from each of stdout and stderr.
    public var transcriptLimit: Int
    /// Workspaces and the local repositories live under it.
    public var dataDirectory: String
    public var repository: String
    public var baseBranch: String
    /// Where the ingress answers, for the address of a local pull request.
    public var publicURL: String
    public var gitHub: GitHub?

    public struct GitHub: Sendable {
        public var token: String
        public var apiURL: String
        public var cloneURL: String
    }

    public init(environment: [String: String]) throws {
        let settings = EnvironmentSettings(environment)
        maxSessions = try settings.integer("KINEXUS_CODEGEN_MAX_SESSIONS", default: 5, range: 1...256)
        maxIterations = try settings.integer("KINEXUS_CODEGEN_MAX_ITERATIONS", default: 5, range: 0...100)
        agentCommand = environment["KINEXUS_CODEGEN_AGENT"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        timeout = .seconds(try settings.integer("KINEXUS_CODEGEN_TIMEOUT", default: 300, range: 1...86_400))
        transcriptLimit = try settings.integer("KINEXUS_CODEGEN_TRANSCRIPT_LIMIT", default: 256 * 1024, range: 1024...(16 << 20))
        dataDirectory = settings.dataDirectory
        publicURL = settings.string("KINEXUS_PUBLIC_URL", default: "http://localhost:8080")
        let target = try CodegenTarget(environment: environment)
        repository = target.repository
        baseBranch = target.baseBranch
        let gitHubRepository = settings.optional("KINEXUS_GITHUB_REPO")
        switch (settings.optional("KINEXUS_GITHUB_TOKEN"), gitHubRepository) {
        case (nil, nil):
            gitHub = nil
        case (nil, _?):
            throw InvalidSetting(missing: "KINEXUS_GITHUB_TOKEN", because: "KINEXUS_GITHUB_REPO")
        case (_?, nil):
            throw InvalidSetting(missing: "KINEXUS_GITHUB_REPO", because: "KINEXUS_GITHUB_TOKEN")
        case (let token?, let repository?):
            let apiURL = settings.string("KINEXUS_GITHUB_API_URL", default: "https://api.github.com")
            gitHub = GitHub(token: token, apiURL: apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL,
                            cloneURL: settings.string("KINEXUS_GITHUB_CLONE_URL", default: "https://github.com/\(repository).git"))
        }
    }

    public var workspaces: String { dataDirectory + "/workspaces" }
    public var repositories: String { dataDirectory + "/repositories" }
}
