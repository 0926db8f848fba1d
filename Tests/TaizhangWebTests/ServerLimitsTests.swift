import Foundation
import Hummingbird
import NIOCore
import Testing

@testable import TaizhangWeb

#if canImport(Glibc)
    import Glibc
#endif

/// #18.6: 1,100 half-sent requests starved a normal GET: there was no read or idle timeout and
/// no connection cap. These run the real server (`WebApp.application`) on a loopback port.
@Suite(.serialized) struct ServerLimitsTests {
    /// Runs the server with `limits` for the duration of `body`, which gets the port.
    func withServer(_ limits: ServerLimits, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let f = try WebFixture()
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = WebApp.application(
            f.configuration, address: .hostname("127.0.0.1", port: 0), limits: limits,
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        do {
            try await body(port)
        } catch {
            server.cancel()
            throw error
        }
        server.cancel()
        _ = await server.result
    }

    /// Blocking socket work goes to a plain thread, not the test's async executor.
    static func offThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }

    /// A raw TCP connection to the server (what a slow or hostile client holds open).
    final class Connection: @unchecked Sendable {
        let fd: Int32

        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard fd >= 0, result == 0 else { throw POSIXError(.ECONNREFUSED) }
        }

        deinit { close(fd) }

        /// Ends the connection from this side (the descriptor is closed at deinit).
        func hangUp() { shutdown(fd, Int32(SHUT_RDWR)) }

        func send(_ text: String) {
            _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(fd, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
        }

        /// The first bytes the server sends, or nil if none come within `seconds`.
        func readSome(within seconds: Double) -> String? {
            var wait = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &buffer, buffer.count, 0)
            return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
        }

        /// Everything the server sends until it closes the connection, or nil if it is still
        /// open after `seconds`.
        func readUntilClosed(within seconds: Double) -> String? {
            let deadline = Date().addingTimeInterval(seconds)
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline {
                var wait = timeval(tv_sec: 0, tv_usec: 100_000)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
                let count = recv(fd, &buffer, buffer.count, 0)
                if count == 0 { return String(decoding: received, as: UTF8.self) }
                if count > 0 { received += buffer[0..<count] }
                if count < 0 && errno != EAGAIN && errno != EWOULDBLOCK { return String(decoding: received, as: UTF8.self) }
            }
            return nil
        }
    }

    static func limits(read: TimeAmount, idle: TimeAmount, connections: Int = 256) -> ServerLimits {
        var limits = ServerLimits()
        limits.readTimeout = read
        limits.idleTimeout = idle
        limits.maxConnections = connections
        return limits
    }

    @Test func halfSentRequestsAreClosedAndANormalRequestIsServed() async throws {
        try await withServer(Self.limits(read: .milliseconds(500), idle: .milliseconds(500), connections: 4)) { port in
            let slow = try (0..<12).map { _ in try Connection(port: port) }
            for connection in slow { connection.send("GET /login HTTP/1.1\r\nHost: x\r\nX-Slow: ") }
            let closed = await Self.offThread { slow.map { $0.readUntilClosed(within: 6) != nil } }
            #expect(closed.allSatisfy { $0 }, "half-sent requests still open: \(closed.filter { !$0 }.count)")
            let normal = try Connection(port: port)
            normal.send("GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let response = await Self.offThread { normal.readUntilClosed(within: 5) }
            #expect(response?.hasPrefix("HTTP/1.1 200") == true)
        }
    }

    @Test func aBodyTrickledByteByByteIsCutOffByTheReadTimeout() async throws {
        try await withServer(Self.limits(read: .milliseconds(500), idle: .seconds(30))) { port in
            let connection = try Connection(port: port)
            connection.send("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n")
            let closedAfter = await Self.offThread { () -> Double? in
                let start = Date()
                for _ in 0..<40 {
                    connection.send("a")
                    if connection.readUntilClosed(within: 0.1) != nil { return Date().timeIntervalSince(start) }
                }
                return nil
            }
            let seconds = try #require(closedAfter, "the trickle kept the connection open for 4 s")
            #expect(seconds < 2)
        }
    }

    /// An upload may take longer than the read timeout: one more second per MiB it announces
    /// (up to the upload limit), so a 50 MB scan over a slow line is not cut off.
    @Test func anAnnouncedBodyGetsTimeInProportionToItsLength() async throws {
        let handler = RequestReadTimeoutHandler(timeout: .seconds(10), bytesPerSecond: 1024 * 1024, maximumBody: 5 * 1024 * 1024)
        #expect(handler.allowance(forBody: 3 * 1024 * 1024) == .seconds(3))
        #expect(handler.allowance(forBody: 1 << 40) == .seconds(5))
        #expect(handler.allowance(forBody: 1000) == .zero && handler.allowance(forBody: nil) == .zero && handler.allowance(forBody: -5) == .zero)
        try await withServer(Self.limits(read: .milliseconds(500), idle: .seconds(30))) { port in
            let connection = try Connection(port: port)
            connection.send(
                "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(3 * 1024 * 1024)\r\n\r\na")
            let closed = await Self.offThread { connection.readUntilClosed(within: 1.5) }
            #expect(closed == nil, "a body announcing 3 MiB was cut off after the plain read timeout")
            connection.hangUp()
        }
    }

    @Test func connectionsBeyondTheCapWait() async throws {
        try await withServer(Self.limits(read: .seconds(30), idle: .seconds(30), connections: 2)) { port in
            let held = try (0..<2).map { _ in try Connection(port: port) }
            for connection in held { connection.send("GET /login HTTP/1.1\r\nHost: x\r\n\r\n") }
            // Both are accepted and served (and kept alive) before the third knocks: NIO accepts
            // several pending connections in one go, so the cap holds from the next accept on.
            let served = await Self.offThread { held.map { $0.readSome(within: 5)?.hasPrefix("HTTP/1.1 200") == true } }
            #expect(served == [true, true])
            let third = try Connection(port: port)
            third.send("GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let waiting = await Self.offThread { third.readUntilClosed(within: 1.5) }
            #expect(waiting == nil, "a third connection was served while two were held")
            // Once a held connection ends, the waiting one is served. Waiting for that also
            // means no connection is still queued when the server shuts down: NIO traps
            // ("Deinited NIOAsyncWriter without calling finish()") when a connection is
            // accepted while the server is being torn down.
            for connection in held { connection.hangUp() }
            let servedLater = await Self.offThread { third.readUntilClosed(within: 5) }
            #expect(servedLater?.hasPrefix("HTTP/1.1 200") == true, "the waiting connection was not served after the others ended")
        }
    }
}
