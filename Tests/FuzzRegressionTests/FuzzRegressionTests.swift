import Foundation
import FuzzEntryPoints
import Testing

/// Every input that ever crashed a fuzz target (`Fuzz/Regressions/<target>/`), and every seed, run through
/// its entry point: a crash here is a crash the ingress or a consumer would have on that input.
struct FuzzRegressionTests {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func inputs(_ folder: String) -> [(target: String, file: URL)] {
        let root = fuzz.appendingPathComponent(folder)
        return FuzzEntryPoints.all.keys.sorted().flatMap { target in
            let directory = root.appendingPathComponent(target).resolvingSymlinksInPath()
            let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
            return files.filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }.map { (target, $0) }
        }
    }

    @Test func everyCrashFoundStaysFixed() throws {
        let regressions = Self.inputs("Regressions")
        #expect(regressions.contains { $0.target == "jira-webhook" }, "the regression cases are where this test looks")
        for (target, file) in regressions {
            FuzzEntryPoints.all[target]?(Array(try Data(contentsOf: file)))
        }
    }

    @Test func everySeedRuns() throws {
        let seeds = Self.inputs("Seeds")
        #expect(Set(seeds.map(\.target)) == Set(FuzzEntryPoints.all.keys), "every target has seeds")
        for (target, file) in seeds {
            FuzzEntryPoints.all[target]?(Array(try Data(contentsOf: file)))
        }
    }
}
