import Approval
import ArgumentParser
import Foundation
import KinexusServiceKit

/// The approver service, one process: `kinexus approver`.
public struct ApproverCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "approver", abstract: "Publishes approved documents and asks for revisions.")

    public init() {}

    public func run() async throws {
        let runtime = configured { try ServiceRuntime(service: "approver") }
        let approver = configured {
            try Approver.composed(postgres: runtime.postgres, environment: ProcessInfo.processInfo.environment, logger: runtime.logger)
        }
        try await runtime.run(migrations: try Approver.migrations(), subscriptions: try approver.subscriptions())
    }
}
