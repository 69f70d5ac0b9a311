import Foundation

/// GitHub's Git database over a real bare repository: blobs, trees (a base tree with entries applied),
/// commits and refs become git objects and refs there. git runs off the cooperative pool.
struct FakeGitDatabase: Sendable {
    let directory: String

    func blob(_ data: Data) async -> String? {
        await git(["hash-object", "-w", "--stdin"], input: data)
    }

    /// `base` with `files` applied (a nil blob deletes), through an index of its own.
    func tree(base: String?, _ files: [String: (mode: String, blob: String?)]) async -> String? {
        let index = FileManager.default.temporaryDirectory.appendingPathComponent("fake-github-index-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: index) }
        let environment = ["GIT_INDEX_FILE": index]
        guard await git(["read-tree", base ?? "--empty"], environment: environment) != nil else { return nil }
        // A bare repository has no work tree for `--force-remove`: mode 0 removes an entry.
        let entries = files.sorted { $0.key < $1.key }.map { path, file in
            file.blob.map { "\(file.mode) \($0)\t\(path)\n" } ?? "0 \(String(repeating: "0", count: 40))\t\(path)\n"
        }
        guard await git(["update-index", "--index-info"], input: Data(entries.joined().utf8), environment: environment) != nil else {
            return nil
        }
        return await git(["write-tree"], environment: environment)
    }

    func commit(tree: String, parents: [String], message: String) async -> String? {
        await git(["commit-tree", tree] + parents.flatMap { ["-p", $0] } + ["-F", "-"], input: Data(message.utf8))
    }

    func setRef(_ ref: String, to commit: String) async {
        _ = await git(["update-ref", ref, commit])
    }

    /// git's trimmed standard output, or nil when it fails.
    private func git(_ arguments: [String], input: Data = Data(), environment extra: [String: String] = [:]) async -> String? {
        let directory = self.directory
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
                process.arguments = ["-C", directory] + arguments
                var environment = ["PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
                                   "GIT_AUTHOR_NAME": "GitHub", "GIT_AUTHOR_EMAIL": "noreply@github.test",
                                   "GIT_COMMITTER_NAME": "GitHub", "GIT_COMMITTER_EMAIL": "noreply@github.test"]
                environment.merge(extra) { $1 }
                process.environment = environment
                let stdin = Pipe(), stdout = Pipe()
                process.standardInput = stdin
                process.standardOutput = stdout
                process.standardError = FileHandle.nullDevice
                do {
                    try process.run()
                    stdin.fileHandleForWriting.write(input)
                    try stdin.fileHandleForWriting.close()
                    let output = stdout.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: process.terminationStatus == 0
                        ? String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : nil)
                } catch {
                    continuation.resume(returning: nil)
                }
            }
        }
    }
}
