import Foundation
import NIOPosix

/// The files a spawned process reads its input from and writes its output to, in a directory of their own.
struct OutputFiles: Sendable {
    let directory: String

    var standardInput: String { directory + "/stdin" }
    var standardOutput: String { directory + "/stdout" }
    var standardError: String { directory + "/stderr" }

    init(input: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kinexus-process-\(UUID().uuidString)").path
        try await Self.offPool {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try Data(input.utf8).write(to: URL(fileURLWithPath: directory + "/stdin"))
        }
        self.directory = directory
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The whole file when it fits in `limit` bytes; otherwise its first and last halves around a line
    /// saying how much was cut (an agent's transcript can be endless).
    func readCapped(_ path: String, limit: Int) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = Int((try? handle.seekToEnd()) ?? 0)
        try? handle.seek(toOffset: 0)
        guard size > limit else { return String(decoding: handle.readData(ofLength: size), as: UTF8.self) }
        let half = limit / 2
        let head = handle.readData(ofLength: half)
        try? handle.seek(toOffset: UInt64(size - half))
        let tail = handle.readData(ofLength: half)
        return String(decoding: head, as: UTF8.self) + "\n[… \(size - 2 * half) bytes cut …]\n"
            + String(decoding: tail, as: UTF8.self)
    }

    /// Runs file work on NIO's blocking-I/O pool instead of the cooperative one.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}
