import Foundation
import Testing

/// `compose/docker-compose.yml` must run every executable that `Package.swift` builds from `Services/`.
struct ComposeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The executables built from `Services/<name>`: each service's `executable("<name>", …)`, and the CLI's.
    static func serviceExecutables() throws -> [String] {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let patterns = [try Regex(#"\.executableTarget\(\s*name:\s*"([^"]+)"[^)]*?path:\s*"Services/"#),
                        try Regex(#"\bexecutable\(\s*"([^"]+)""#)]
        return patterns.flatMap { pattern in manifest.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) } }
    }

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

    @Test func everyExecutableInPackageSwiftHasAComposeService() throws {
        let executables = try Self.serviceExecutables()
        #expect(executables.contains("kinexus") && executables.contains("ingress"), "the manifest parser found the executables")
        let services = try Self.composeServices()
        #expect(services.isSuperset(of: ["redis", "postgres"]))
        for executable in executables {
            #expect(services.contains(executable), "\(executable) has no service in compose/docker-compose.yml")
        }
    }

    @Test func everyServiceDirectoryIsAnExecutableTarget() throws {
        let directories = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Services").path)
        #expect(Set(directories) == Set(try Self.serviceExecutables()))
    }
}
