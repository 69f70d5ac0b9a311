import Foundation
import KinexusCLI
import Testing

/// `compose/docker-compose.yml` must run every service that `kinexus` runs, and the CLI.
struct ComposeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `kinexus <service>` for each service.
    static let services = KinexusCommand.services.compactMap { $0.configuration.commandName }

    /// The top-level keys under `services:` in the compose file.
    static func composeServices() throws -> Set<String> {
        let compose = try String(contentsOf: root.appendingPathComponent("compose/docker-compose.yml"), encoding: .utf8)
        var inServices = false, names: Set<String> = []
        for line in compose.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" "), !line.hasPrefix("#"), !line.isEmpty { inServices = line == "services:" }
            if inServices, line.hasPrefix("  "), !line.hasPrefix("   "), line.hasSuffix(":"), !line.contains("#") {
                names.insert(String(line.dropFirst(2).dropLast()))
            }
        }
        return names
    }

    @Test func everyServiceHasAComposeService() throws {
        #expect(Self.services.count == 8)
        let composed = try Self.composeServices()
        #expect(composed.isSuperset(of: ["redis", "postgres", "kinexus"]))
        for service in Self.services {
            #expect(composed.contains(service), "\(service) has no service in compose/docker-compose.yml")
        }
    }

    @Test func everyServiceDirectoryIsAService() throws {
        let directories = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Services").path)
        #expect(Set(directories) == Set(Self.services + ["kinexus"]))
    }
}
