import Foundation
import KinexusSettings

/// The console's settings: where people reach it (`KINEXUS_PUBLIC_URL`: an https address makes the session
/// cookie `Secure`), how long a session lasts idle and at most, and the Jira site ticket keys link to.
public struct ConsoleSettings: Sendable {
    /// `scheme://host[:port]` of `KINEXUS_PUBLIC_URL`, when it is set.
    public var publicOrigin: String?
    public var secureCookies: Bool
    public var idleTimeout: Duration
    public var sessionLifetime: Duration
    public var jiraBrowseURL: String?

    public init(environment: [String: String]) throws {
        let settings = EnvironmentSettings(environment)
        if let url = settings.optional("KINEXUS_PUBLIC_URL") {
            guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), ["http", "https"].contains(scheme),
                  let host = parts.host, !host.isEmpty
            else { throw InvalidSetting("KINEXUS_PUBLIC_URL", value: url, expected: "an http or https address") }
            publicOrigin = "\(scheme)://\(host.lowercased())" + (parts.port.map { ":\($0)" } ?? "")
            secureCookies = scheme == "https"
        } else {
            publicOrigin = nil
            secureCookies = false
        }
        idleTimeout = try settings.duration("KINEXUS_SESSION_IDLE_TIMEOUT", default: .seconds(2 * 3600))
        sessionLifetime = try settings.duration("KINEXUS_SESSION_LIFETIME", default: .seconds(12 * 3600))
        jiraBrowseURL = settings.optional("KINEXUS_JIRA_BASE_URL").map { $0.hasSuffix("/") ? "\($0)browse/" : "\($0)/browse/" }
    }
}
