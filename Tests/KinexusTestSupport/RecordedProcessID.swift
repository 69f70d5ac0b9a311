import Foundation

/// Waits until the file at `path` holds a process id and answers it; nil when none came.
/// A shell's `echo $$ > file` creates the file before it writes the number, so the file's existence is not
/// yet the id: a loaded machine has been seen reading it empty in between.
public func recordedProcessID(at path: String) async -> pid_t? {
    await eventually {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}
