import NIOPosix

/// File system work, run on NIO's blocking-I/O pool instead of the cooperative one.
enum BlockingIO {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}
