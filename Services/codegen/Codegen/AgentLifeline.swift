import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Agents must not outlive codegen, however it ends (SIGKILL included). Each agent's process group gets,
/// as descriptor 3, the read end of a pipe whose write end only this process holds: the kernel closes it
/// when the process dies, and a watcher in the group, reading end of file, kills the group. Each agent
/// also carries the owner's identity in `KINEXUS_AGENT_OWNER`, so a codegen that starts can end the groups
/// a previous one on the same host left behind.
public enum AgentLifeline {
    /// Nil where no pipe could be made; the agents then run without a watcher.
    static let pipe: ChildPipe? = try? ChildPipe()

    /// Put before the agent's command in its shell: the watcher, then descriptor 3 closed for the agent. The
    /// watcher writes nowhere: holding the agent's output pipes, it kept the agent's end unseen until the next
    /// poll of the thread that drains them.
    static var watcher: String { pipe == nil ? "" : "(read line <&3; kill -KILL 0) >/dev/null 2>&1 & exec 3<&-\n" }

    static let ownerVariable = "KINEXUS_AGENT_OWNER"

    /// This process as `pid:start time`: a pid alone could name another process after a restart.
    static let owner: String = identity(of: getpid()) ?? "\(getpid())"

    /// `pid:start time` of a running process, from `/proc/<pid>/stat`; nil when there is none.
    static func identity(of pid: pid_t) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let fields = statFields(stat), fields.count > 19
        else { return nil }
        return "\(pid):\(fields[19])"
    }

    /// The fields after the command name (which may hold spaces and parentheses): state, ppid, pgrp, ….
    static func statFields(_ stat: String) -> [Substring]? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    /// Kills the process groups of agents whose codegen is gone; answers how many.
    @discardableResult
    public static func endOrphans(logger: Logger) async throws -> Int {
        let ended = try await BlockingIO.run { orphanedGroups() }
        for group in ended { kill(-group, SIGKILL) }
        if !ended.isEmpty {
            logger.warning("ended agents a previous codegen left running", metadata: ["process_groups": "\(ended.sorted())"])
        }
        return ended.count
    }

    /// The groups of processes marked with an owner that no longer runs. Processes this user cannot read
    /// are not ours.
    static func orphanedGroups() -> Set<pid_t> {
        let marker = Array("\(ownerVariable)=".utf8)
        var groups: Set<pid_t> = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), pid != getpid(),
                  let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ")
            else { continue }
            for variable in environment.split(separator: 0) where variable.starts(with: marker) {
                let owner = String(decoding: variable.dropFirst(marker.count), as: UTF8.self)
                guard owner != AgentLifeline.owner, let ownerPID = owner.split(separator: ":").first.flatMap({ pid_t($0) }),
                      identity(of: ownerPID) != owner,
                      let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                      let fields = statFields(stat), fields.count > 2, let group = pid_t(fields[2]), group > 1
                else { continue }
                groups.insert(group)
            }
        }
        return groups
    }
}
