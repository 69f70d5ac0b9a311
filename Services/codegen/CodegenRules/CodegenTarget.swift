import KinexusEvents
import KinexusSettings

/// Where generated code goes unless a task says otherwise: `KINEXUS_GITHUB_REPO` (or
/// `KINEXUS_CODEGEN_REPOSITORY`, a local repository, by default `kinexus/workspace`) and
/// `KINEXUS_CODEGEN_BASE_BRANCH` (`main`). The ingress names it in every task; codegen serves it.
public struct CodegenTarget: Sendable, Equatable {
    public let repository: String
    public let baseBranch: String

    public init(repository: String, baseBranch: String) {
        self.repository = repository
        self.baseBranch = baseBranch
    }

    public init(environment: [String: String]) throws {
        let value = EnvironmentSettings(environment).optional
        let variable = value("KINEXUS_GITHUB_REPO") == nil ? "KINEXUS_CODEGEN_REPOSITORY" : "KINEXUS_GITHUB_REPO"
        repository = value("KINEXUS_GITHUB_REPO") ?? value("KINEXUS_CODEGEN_REPOSITORY") ?? "kinexus/workspace"
        guard CodegenRequested.isValidRepository(repository) else {
            throw InvalidSetting(variable, value: repository, expected: "owner/name")
        }
        baseBranch = value("KINEXUS_CODEGEN_BASE_BRANCH") ?? "main"
        guard CodegenRequested.isValidBranch(baseBranch) else {
            throw InvalidSetting("KINEXUS_CODEGEN_BASE_BRANCH", value: baseBranch, expected: "a git branch name")
        }
    }
}
