import Foundation
import KinexusRedis

/// `redis-benchmark` on the same server, the baseline every figure of `kinexus bench` is printed beside.
struct RedisBenchmark {
    struct Result {
        let requestsPerSecond: Double
        let p50Milliseconds: Double
        let p99Milliseconds: Double
    }

    let configuration: RedisConfiguration

    /// XADD of `payloadBytes` to a scratch stream, as `clients` connections pipelining `pipeline` commands.
    func xadd(requests: Int, payloadBytes: Int, pipeline: Int, clients: Int) throws -> Result {
        var arguments = ["-h", configuration.host, "-p", String(configuration.port), "-n", String(requests),
                         "-P", String(pipeline), "-c", String(clients), "--csv"]
        if let password = configuration.password {
            arguments += ["-a", password]
            if let user = configuration.username { arguments += ["--user", user] }
        }
        if configuration.database != 0 { arguments += ["--dbnum", String(configuration.database)] }
        let key = "kinexus:bench:baseline"
        arguments += ["XADD", key, "MAXLEN", "~", "100000", "*", "envelope", String(repeating: "x", count: payloadBytes)]
        let output = try run(arguments)
        // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("\"XADD") }) else {
            throw BenchError("redis-benchmark printed no result: \(output)")
        }
        let columns = line.split(separator: ",").map { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: "\""))) }
        guard columns.count >= 7, let rps = columns[1], let p50 = columns[4], let p99 = columns[6] else {
            throw BenchError("cannot read redis-benchmark's line: \(line)")
        }
        return Result(requestsPerSecond: rps, p50Milliseconds: p50, p99Milliseconds: p99)
    }

    /// Runs on a thread of its own: waiting for a child process must not hold a cooperative thread.
    private func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["redis-benchmark"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("redis-benchmark failed (is redis-tools installed?): \(String(decoding: data, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
