import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What `lstat` says about a file, enough to tell that its bytes cannot have changed: the same
/// inode on the same device with the same size, modification and status-change times. Any
/// write changes the ctime, which no user tool can set back (unlike the mtime, which `touch -d`
/// or an unzip restores), so a file whose stamp is unchanged need not be read again.
public struct FileStamp: Sendable, Equatable, Hashable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    /// Nanoseconds since 1970.
    public var modified: Int64
    public var changed: Int64

    public init(device: UInt64, inode: UInt64, size: Int64, modified: Int64, changed: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modified = modified
        self.changed = changed
    }

    init(_ info: stat) {
        self.init(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            changed: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
    }

    /// The stamp of `path` (not following a final symbolic link), or nil.
    public static func of(_ path: String) -> FileStamp? {
        var info = stat()
        return lstat(path, &info) == 0 ? FileStamp(info) : nil
    }
}

/// The SHA-256 of each pack file as it was when last hashed, with its `FileStamp`: `scan` reads
/// a file again only when its stamp differs.
///
/// It lives in the pack, as the hidden file `.taizhang-scan-cache` (hidden files are never
/// documents, never zipped and never served), because a stamp is a fact of the file system the
/// pack is on: a copy of the pack, or the database restored on another machine, must not trust
/// it, and here the changed device and inode numbers make sure of that. It is only a cache:
/// missing, unreadable or damaged, it costs one full re-read, never a wrong answer; lines that
/// do not parse are dropped.
///
/// File times have the kernel's tick as their grain (a few milliseconds), so a file written
/// twice within one tick keeps its ctime. An entry is therefore trusted only when the file's
/// ctime is older than the moment the scan that hashed it began (`trustedBefore`, read from the
/// same coarse clock the kernel stamps files with): any later write must then change the ctime.
/// A file written in the very tick a scan began is simply read again by the next scan.
///
/// Since Linux 6.13 (multigrain timestamps on ext4, xfs, btrfs, tmpfs) a file that was looked at
/// since its last change gets a fine-grained ctime, and every coarse stamp after it is at least
/// that fine one: stamps can run up to a tick or so ahead of `CLOCK_REALTIME_COARSE`. The rule
/// stays safe (a write after the scan began still has a ctime not older than its start); such
/// files are only read once more, by the next scan (entries not older than `trustedBefore` are
/// dropped on loading, so that scan adds them again and rewrites the cache), which then trusts them.
public struct ScanCache: Sendable, Equatable {
    public static let fileName = ".taizhang-scan-cache"
    static let header = "taizhang-scan-cache 1"

    /// Entries whose ctime is not older than this (ns since 1970) are not trusted.
    public var trustedBefore: Int64 = 0

    public struct Entry: Sendable, Equatable {
        public var stamp: FileStamp
        public var sha256: String
    }

    /// By path relative to the pack root.
    public private(set) var entries: [PathKey: Entry] = [:]

    public init() {}

    /// The cached hash of `path`, if its stamp is still the one it was hashed with.
    public func sha256(of path: PathKey, stamp: FileStamp) -> String? {
        guard let entry = entries[path], entry.stamp == stamp, stamp.changed < trustedBefore else { return nil }
        return entry.sha256
    }

    /// Now, on the coarse clock the kernel stamps file times with (ns since 1970).
    public static func coarseNow() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    public mutating func set(_ path: PathKey, stamp: FileStamp, sha256: String) {
        entries[path] = Entry(stamp: stamp, sha256: sha256)
    }

    /// Keeps only the entries `keep` accepts.
    public mutating func prune(keep: (String) -> Bool) {
        entries = entries.filter { keep($0.key.string) }
    }

    /// The cache of the pack at `packRoot`; empty when there is none or it cannot be read.
    public static func load(packRoot: String) -> ScanCache {
        let path = packRoot + "/" + fileName
        // A regular file only: a symbolic link (to /dev/zero, or out of the pack) is not followed.
        guard let data = PackWriter.contents(of: path) else { return ScanCache() }
        return data.withUnsafeBytes { parse(UnsafeRawBufferPointer($0)) }
    }

    /// Parses the file's bytes by hand: generic `split` over `Data` took a sixth of a repeat scan.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> ScanCache {
        var cache = ScanCache()
        let newline = UInt8(ascii: "\n"), tab = UInt8(ascii: "\t")
        var lineStart = 0
        var first = true
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != newline { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            if first {
                first = false
                let heading = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self).split(separator: " ")
                guard heading.count == 3, heading[0...1].joined(separator: " ") == header, let trustedBefore = Int64(heading[2]) else {
                    return cache
                }
                cache.trustedBefore = trustedBefore
                continue
            }
            // sha256, device, inode, size, mtime, ctime: fixed fields; the path is the rest.
            var fields: [Range<Int>] = []
            var fieldStart = lineStart
            var index = lineStart
            while index < lineEnd && fields.count < 6 {
                if bytes[index] == tab {
                    fields.append(fieldStart..<index)
                    fieldStart = index + 1
                }
                index += 1
            }
            guard fields.count == 6, fields[0].count == 64, fieldStart < lineEnd else { continue }
            func number(_ range: Range<Int>) -> UInt64? {
                guard !range.isEmpty else { return nil }
                var value: UInt64 = 0
                for i in range {
                    let digit = bytes[i] &- UInt8(ascii: "0")
                    guard digit < 10 else { return nil }
                    let (times, o1) = value.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times.addingReportingOverflow(UInt64(digit))
                    guard !o1, !o2 else { return nil }
                    value = sum
                }
                return value
            }
            guard let device = number(fields[1]), let inode = number(fields[2]),
                let size = number(fields[3]).flatMap(Int64.init(exactly:)), let modified = number(fields[4]).flatMap(Int64.init(exactly:)),
                let changed = number(fields[5]).flatMap(Int64.init(exactly:)), changed < cache.trustedBefore
            else { continue }  // damaged, or never trusted: dropped
            let stamp = FileStamp(device: device, inode: inode, size: size, modified: modified, changed: changed)
            let sha = String(decoding: bytes[fields[0]], as: UTF8.self)
            cache.entries[PathKey(String(decoding: bytes[fieldStart..<lineEnd], as: UTF8.self))] = Entry(stamp: stamp, sha256: sha)
        }
        return cache
    }

    /// The file's bytes: sorted by the paths' bytes, so equal caches are equal files. Paths
    /// holding a tab or a line break are left out (they are simply hashed every time). Built as
    /// bytes: string interpolation of 18,000 lines took a twentieth of a first scan.
    public func serialized() -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + entries.count * 160)
        bytes += (ScanCache.header + " \(trustedBefore)\n").utf8
        func append(_ number: some BinaryInteger) {
            bytes.append(UInt8(ascii: "\t"))
            guard number != 0 else { return bytes.append(UInt8(ascii: "0")) }
            let start = bytes.count
            var rest = UInt64(clamping: number)
            while rest > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            }
            bytes[start...].reverse()
        }
        let sorted = entries.sorted { a, b in a.key.withBytes { x in b.key.withBytes { y in x.lexicographicallyPrecedes(y) } } }
        for (path, entry) in sorted {
            let clean = path.withBytes { !$0.contains { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") } }
            guard clean else { continue }
            let s = entry.stamp
            bytes += entry.sha256.utf8
            append(s.device)
            append(s.inode)
            append(s.size)
            append(s.modified)
            append(s.changed)
            bytes.append(UInt8(ascii: "\t"))
            path.withBytes { bytes += $0 }
            bytes.append(UInt8(ascii: "\n"))
        }
        return Data(bytes)
    }

    /// Writes the cache into the pack atomically (a temporary file, then rename).
    public func save(packRoot: String) throws {
        try serialized().write(to: URL(fileURLWithPath: packRoot + "/" + ScanCache.fileName), options: .atomic)
    }
}
