import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// SHA-256 of files, streamed in 1 MiB blocks (a scanned PDF can be hundreds of MiB).
public enum FileHasher {
    public static let blockSize = 1 << 20

    public static func sha256(path: String) throws -> String {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 64)
        defer { buffer.deallocate() }
        return try sha256(path: path, buffer: buffer)
    }

    /// Reads with plain `read(2)` into one reused buffer: no allocation per block, and the
    /// kernel is told the file is read once from start to end.
    ///
    /// Only a regular file is read. Callers list a folder and then hash what it held, so by the
    /// time of the open a file may have been swapped for a symbolic link (which could point out
    /// of the pack) or a FIFO (whose open would wait for a writer forever): the open follows no
    /// link and does not wait, and anything but a regular file throws.
    public static func sha256(path: String, buffer: UnsafeMutableRawBufferPointer) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw POSIXError(.EINVAL) }
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
}
