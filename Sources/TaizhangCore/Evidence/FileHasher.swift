import Crypto
import Foundation

/// SHA-256 of files, streamed in 1 MiB blocks (a scanned PDF can be hundreds of MiB).
public enum FileHasher {
    public static func sha256(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var hasher = Streaming()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
            hasher.update(block)
        }
        return hasher.finalize()
    }

    /// SHA-256 fed block by block, as lower-case hex.
    struct Streaming {
        private var hasher = SHA256()
        mutating func update(_ block: Data) { hasher.update(data: block) }
        func finalize() -> String {
            hasher.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
    }

    /// Hashes many files on every core; nil where a file could not be read.
    public static func sha256(paths: [String]) -> [String?] {
        Parallel.map(paths) { try? sha256(path: $0) }
    }
}
