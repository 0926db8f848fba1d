import Foundation
import Synchronization
import TaizhangCore

#if canImport(Glibc)
    import Glibc
#endif

/// What the web pages show of each item folder — the user's files, counted as
/// `FileInventory.userFiles` counts them, and whether the generated sheet is there — kept
/// between requests: listing every folder of a unit on every reload of the items page was most
/// of its file-system work.
///
/// A folder's entry is used only while the folder and each folder below it still has the
/// identity and the modification and change times it had when it was listed (one `lstat`
/// each): adding, removing or renaming anything in them, by the web upload or by anyone
/// working in the pack directly, changes those times. File systems stamp times from a coarse
/// clock, so a change in the same clock tick as the listing might leave them unchanged: a
/// folder changed less than `settle` seconds before its listing is listed again next time.
final class PackInventory: Sendable {
    struct Folder: Sendable, Equatable {
        /// The user's files (sub-folders included).
        var files: Int
        /// Whether the item sheet (`00 说明.html`) is there and servable.
        var hasSheet: Bool
    }

    private struct Stamp: Sendable, Equatable {
        var path: String
        var device: UInt64 = 0
        var inode: UInt64 = 0
        var mode: UInt32 = 0
        var modified = timespec()
        var changed = timespec()

        /// The folder's state now (all zero when it is missing). Below `base`, it is looked up
        /// from the base's descriptor, so the kernel walks only the last few names of the path.
        init(_ path: String, base: Base? = nil) {
            self.path = path
            var info = stat()
            guard Self.look(path, base: base, &info) else { return }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            mode = UInt32(info.st_mode)
            modified = info.st_mtim
            changed = info.st_ctim
        }

        /// `lstat(path)`, or `fstatat(base, rest of path, AT_SYMLINK_NOFOLLOW)` when `path`
        /// lies below the base's folder: the same answer (the base was opened by its path,
        /// following links as `lstat` follows them in the leading names).
        private static func look(_ path: String, base: Base?, _ info: inout stat) -> Bool {
            guard let base, base.descriptor >= 0, let offset = base.offset(of: path) else { return lstat(path, &info) == 0 }
            return path.withCString { fstatat(base.descriptor, $0 + offset, &info, AT_SYMLINK_NOFOLLOW) == 0 }
        }

        var isFolder: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFDIR) }

        func isBefore(_ limit: Double) -> Bool { Self.seconds(modified) < limit && Self.seconds(changed) < limit }

        static func seconds(_ time: timespec) -> Double { Double(time.tv_sec) + Double(time.tv_nsec) / 1_000_000_000 }

        static func == (a: Stamp, b: Stamp) -> Bool {
            a.path == b.path && a.device == b.device && a.inode == b.inode && a.mode == b.mode
                && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
                && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
        }
    }

    /// A folder (a unit's) held open while its item folders are checked: each check then
    /// names only the item's own folders. Opened per request, so a folder replaced since the
    /// last request is the one checked.
    final class Base {
        let descriptor: Int32
        private let prefix: [UInt8]

        /// Opens `path` (a folder); when it cannot be opened, checks fall back to full paths.
        init(_ path: String) {
            descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            prefix = Array(path.utf8) + [UInt8(ascii: "/")]
        }

        deinit {
            if descriptor >= 0 { close(descriptor) }
        }

        /// Where the part of `path` below this folder starts (in UTF-8 bytes), if it is below.
        func offset(of path: String) -> Int? {
            var path = path
            return path.withUTF8 { bytes in
                bytes.count > prefix.count && bytes.starts(with: prefix) ? prefix.count : nil
            }
        }
    }

    private struct Entry: Sendable {
        var stamps: [Stamp]
        var folder: Folder
    }

    /// Seconds a folder's times must lie in the past before its listing is kept (tests use 0).
    let settle: Double

    private let entries = Mutex<[PathKey: Entry]>([:])
    private let listed = Atomic<Int>(0)

    init(settle: Double = 2) {
        self.settle = settle
    }

    /// How many times a folder was listed rather than taken from the cache (tests).
    var listings: Int { listed.load(ordering: .relaxed) }

    /// The item folder at `path` (absolute); `sheet` says whether its sheet is servable.
    func folder(_ path: String, sheet: () -> Bool) -> Folder {
        folder(PathKey(path), sheet: sheet)
    }

    /// `key` is the folder's path hashed as bytes (`PathKey`: String keys are hashed by Unicode
    /// scalars, slow for the Chinese folder names); `ItemLocations` keeps each item's.
    func folder(_ key: PathKey, base: Base? = nil, sheet: () -> Bool) -> Folder {
        let path = key.string
        if let entry = entries.withLock({ $0[key] }), entry.stamps.allSatisfy({ Stamp($0.path, base: base) == $0 }) {
            return entry.folder
        }
        // Stamps first, listing second: a change in between shows in the stamps next time.
        listed.add(1, ordering: .relaxed)
        let limit = Date().timeIntervalSince1970 - settle
        var stamps: [Stamp] = []
        Self.stamp(path, into: &stamps)
        let folder = Folder(files: FileInventory.userFiles(in: path).count, hasSheet: sheet())
        let settled = stamps.allSatisfy { $0.isBefore(limit) }
        entries.withLock { $0[key] = settled ? Entry(stamps: stamps, folder: folder) : nil }
        return folder
    }

    /// The folder and every folder below it, as `FileInventory.userFiles` walks them (symbolic
    /// links are stamped, not followed).
    private static func stamp(_ path: String, into stamps: inout [Stamp]) {
        let current = Stamp(path)
        stamps.append(current)
        guard current.isFolder, let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names.sorted() where !FileInventory.isNoise(name) {
            var info = stat()
            if lstat(path + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { stamp(path + "/" + name, into: &stamps) }
        }
    }
}
