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
/// On Linux, a folder checked below a unit folder (`Base`) is watched (`FolderWatches`): its
/// count is kept while neither it, nor a folder below it, nor a folder on the way down from
/// the unit folder had a change notice, and the unit folder is still the one at its path.
/// That costs no system call per item folder. Anything else (other platforms, no base, the
/// watch limit reached, a link on the way) uses the folder's stamps: its entry is used only
/// while the folder and each folder below it still has the identity and the modification and
/// change times it had when it was listed (one `lstat` each). Adding, removing or renaming
/// anything in them, by the web upload or by anyone working in the pack directly, changes
/// those times. File systems stamp times from a coarse clock, so a change in the same clock
/// tick as the listing might leave them unchanged: a folder changed less than `settle` seconds
/// before its listing is listed again next time.
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
            guard let base, let offset = base.offset(of: path), base.descriptor >= 0 else { return lstat(path, &info) == 0 }
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

    /// A unit's folder, for one request: its item folders are checked from it. With watches,
    /// the change notices are read once for it and its identity looked up once; with stamps,
    /// it is opened (on first use) and each check then names only the item's own folders.
    /// Made per request, so a folder replaced since the last request is the one checked.
    final class Base {
        let path: String
        private let prefix: [UInt8]
        private var opened: Int32?
        /// The inventory that read its notices for this base, and the folder's identity then.
        fileprivate var prepared: (inventory: ObjectIdentifier, anchor: FolderWatches.Identity?)?

        /// Nothing is opened yet; when the folder cannot be opened, checks use full paths.
        init(_ path: String) {
            self.path = path
            prefix = Array(path.utf8) + [UInt8(ascii: "/")]
        }

        deinit {
            if let opened, opened >= 0 { close(opened) }
        }

        /// The folder, opened on first use (-1 when it cannot be).
        var descriptor: Int32 {
            if let opened { return opened }
            let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            opened = descriptor
            return descriptor
        }

        /// Where the part of `path` below this folder starts (in UTF-8 bytes), if it is below.
        func offset(of path: String) -> Int? {
            var path = path
            return path.withUTF8 { bytes in
                bytes.count > prefix.count && bytes.starts(with: prefix) ? prefix.count : nil
            }
        }
    }

    /// Why a kept count still holds.
    private enum Proof: Sendable {
        case stamps([Stamp])
        case watches(FolderWatches.Proof)
    }

    private struct Entry: Sendable {
        var proof: Proof
        var folder: Folder
    }

    /// Seconds a folder's times must lie in the past before its listing is kept (tests use 0).
    let settle: Double

    private let entries = Mutex<[PathKey: Entry]>([:])
    private let listed = Atomic<Int>(0)

    /// The change notices of the folders counted below a base.
    let watches: FolderWatches

    init(settle: Double = 2, watchLimit: Int = 20_000) {
        self.settle = settle
        watches = FolderWatches(limit: watchLimit)
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
        let anchor = base.flatMap(prepare)
        if let entry = entries.withLock({ $0[key] }), holds(entry.proof, anchor: anchor, base: base) {
            return entry.folder
        }
        listed.add(1, ordering: .relaxed)
        // Watches (or stamps) first, listing second: a change in between shows next time.
        if let anchor, let base, let offset = base.offset(of: path),
            let proof = watches.watch(anchor: anchor, chain: Self.chain(from: base.path, to: path, offset: offset))
        {
            let folder = Folder(files: FileInventory.userFiles(in: path).count, hasSheet: sheet())
            entries.withLock { $0[key] = Entry(proof: .watches(proof), folder: folder) }
            return folder
        }
        let limit = Date().timeIntervalSince1970 - settle
        var stamps: [Stamp] = []
        Self.stamp(path, into: &stamps)
        let folder = Folder(files: FileInventory.userFiles(in: path).count, hasSheet: sheet())
        let settled = stamps.allSatisfy { $0.isBefore(limit) }
        entries.withLock { $0[key] = settled ? Entry(proof: .stamps(stamps), folder: folder) : nil }
        return folder
    }

    /// Once per base: reads the queued change notices, and looks up the base folder's identity
    /// (nil: it is not a folder now, so nothing below it is checked by watches).
    private func prepare(_ base: Base) -> FolderWatches.Identity? {
        let me = ObjectIdentifier(self)
        if let prepared = base.prepared, prepared.inventory == me { return prepared.anchor }
        watches.drain()
        let anchor = FolderWatches.identity(base.path)
        base.prepared = (me, anchor)
        return anchor
    }

    private func holds(_ proof: Proof, anchor: FolderWatches.Identity?, base: Base?) -> Bool {
        switch proof {
        case .stamps(let stamps): stamps.allSatisfy { Stamp($0.path, base: base) == $0 }
        case .watches(let proof): anchor.map { watches.isCurrent(proof, anchor: $0) } ?? false
        }
    }

    /// The base folder and each folder from it down to `path` (which lies below it).
    private static func chain(from base: String, to path: String, offset: Int) -> [String] {
        var chain = [base]
        let bytes = Array(path.utf8)
        for index in offset..<bytes.count where bytes[index] == UInt8(ascii: "/") {
            chain.append(String(decoding: bytes[..<index], as: UTF8.self))
        }
        chain.append(path)
        return chain
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
