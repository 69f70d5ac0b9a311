import Foundation
import KinexusJSON

/// Reads a piece of a service's configuration. A missing or bad setting ends the process with one JSON log
/// line that names it, and exit status 78 (EX_CONFIG), rather than a crash report to read through.
public func configured<Value>(_ read: () throws -> Value) -> Value {
    do {
        return try read()
    } catch {
        exitForConfiguration("\(error)")
    }
}

/// Ends the process as a bad setting does: one JSON line naming the problem, exit status 78.
public func exitForConfiguration(_ problem: String) -> Never {
    let line: JSONValue = ["level": "critical", "message": "the configuration is invalid", "error": .string(problem)]
    FileHandle.standardError.write(Data((line.jsonText + "\n").utf8))
    exit(78)
}
