import NIOPosix

/// Blocking work (bcrypt, synchronous SQLite, file reads) runs on NIO's thread pool, not on
/// the async executor that serves every other request (as hummingbird-auth advises).
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}
