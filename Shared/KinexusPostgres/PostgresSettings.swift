import Foundation
import PostgresNIO

/// Connection settings from a `postgres://user:password@host:port/database[?sslmode=…]` URL.
public enum PostgresSettings {
    public static let defaultURL = "postgres://kinexus:kinexus@127.0.0.1:5432/kinexus"

    public struct InvalidURL: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "invalid Postgres URL: \(reason)" }
    }

    public static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme) else {
            throw InvalidURL(reason: "expected postgres://user:password@host:port/database")
        }
        guard let host = components.host, !host.isEmpty else { throw InvalidURL(reason: "no host") }
        guard let user = components.percentEncodedUser?.removingPercentEncoding, !user.isEmpty else {
            throw InvalidURL(reason: "no user name")
        }
        let database = String(components.path.drop { $0 == "/" })
        let tls: PostgresClient.Configuration.TLS
        switch components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable" {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-full": tls = .require(.makeClientConfiguration())
        case let mode: throw InvalidURL(reason: "sslmode '\(mode)' is not one of disable, prefer, require, verify-full")
        }
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user,
            password: components.percentEncodedPassword?.removingPercentEncoding,
            database: database.isEmpty ? user : database, tls: tls)
    }
}
