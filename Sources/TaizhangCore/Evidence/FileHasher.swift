import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// SHA-256 of files, streamed in 1 MiB blocks (a scanned PDF can be hundreds of MiB).
public enum FileHasher {
    static let blockSize = 1 << 20

    public static func sha256(path: String) throws -> String {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 64)
        defer { buffer.deallocate() }
        return try sha256(path: path, buffer: buffer)
    }

    /// Reads with plain `read(2)` into one reused buffer: no allocation per block, and the
    /// kernel is told the file is read once from start to end.
    static func sha256(path: String, buffer: UnsafeMutableRawBufferPointer) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        var hasher = SHA256()
        while true {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            if count == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return hex(hasher.finalize())
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// SHA-256 fed block by block, as lower-case hex.
    struct Streaming {
        private var hasher = SHA256()
        mutating func update(_ block: Data) { hasher.update(data: block) }
        func finalize() -> String { FileHasher.hex(hasher.finalize()) }
    }

    /// Hashes many files on every core; nil where a file could not be read. `progress` is
    /// called (from any thread) after each file with the number done so far.
    public static func sha256(paths: [String], progress: (@Sendable (Int) -> Void)? = nil) -> [String?] {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, paths.count))
        let box = HashResults(paths.count)
        // One worker per core takes the next file from a shared counter: big and small files
        // even out, and each worker keeps its own read buffer.
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 64)
            defer { buffer.deallocate() }
            while let index = box.next() {
                let hash = try? sha256(path: paths[index], buffer: buffer)
                let done = box.store(hash, at: index)
                progress?(done)
            }
        }
        return box.results
    }
}

/// The shared work counter and results of `FileHasher.sha256(paths:)`.
private final class HashResults: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private var done = 0
    private(set) var results: [String?]

    init(_ count: Int) { results = Array(repeating: nil, count: count) }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < results.count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }

    func store(_ hash: String?, at index: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        results[index] = hash
        done += 1
        return done
    }
}
