#if canImport(Glibc)
    import Glibc
#endif

/// A path as a dictionary key, hashed and compared by its UTF-8 bytes.
///
/// `String` hashes and compares by canonical equivalence, so every key with Chinese characters
/// is normalized first: that took a tenth of a repeat scan. A file system tells files apart by
/// their bytes anyway (two names that differ only in normalization are two files), so bytes are
/// also the right equality for paths.
public struct PathKey: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let string: String

    public init(_ string: String) {
        var string = string
        string.makeContiguousUTF8()
        self.string = string
    }

    public init(stringLiteral value: String) { self.init(value) }

    public var description: String { string }

    public static func == (a: PathKey, b: PathKey) -> Bool {
        a.withBytes { x in
            b.withBytes { y in
                guard x.count == y.count, let p = x.baseAddress, let q = y.baseAddress else { return x.count == y.count }
                return memcmp(p, q, x.count) == 0
            }
        }
    }

    public func hash(into hasher: inout Hasher) {
        withBytes { hasher.combine(bytes: $0) }
    }

    /// The UTF-8 bytes, without a copy for a native string (every key: see `init`).
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let result = string.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return result }
        return Array(string.utf8).withUnsafeBytes(body)
    }
}
