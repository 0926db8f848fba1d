import Foundation
import TaizhangCore

/// `taizhang scan`: records every user document of the pack with its SHA-256, reports what is
/// new, changed or missing since the last scan, and files items that now have documents.
public struct EvidenceScanner: Sendable {
    public static let actor = "taizhang-scan"

    public let tracker: Tracker
    public let packRoot: String
    /// How each file is hashed (tests make a file unreadable for a moment); nil: unreadable.
    var hash: (@Sendable (String) -> String?)?
    /// Called from any thread as files are hashed: (hashed so far, to hash); for a progress line.
    public var progress: (@Sendable (Int, Int) -> Void)?
    /// For a command that ends right after the scan (`taizhang scan`): the scan cache and the
    /// records of the walk are left for the process's exit to release instead of being freed
    /// entry by entry (as `WorkspaceLoader.leavesDocumentToExit`). Never in a process that
    /// keeps running (`serve`).
    public var leavesTablesToExit = false

    public init(tracker: Tracker, packRoot: String) {
        self.tracker = tracker
        self.packRoot = packRoot
    }

    /// Per-document completeness of one item in one unit.
    public struct Completeness: Sendable, Codable {
        public var unit: String
        public var unitName: String
        public var item: String
        public var title: String
        public var present: Int
        public var expected: Int
        /// Months (and named monthly reports) of the statistical year no file name mentions, for
        /// monthly documents expected every month (`PeriodicGap`); never for other items.
        public var missingMonths: [String]
    }

    public struct Report: Sendable {
        public var scan: ScanRecord
        public var changes: [ScanChange]
        public var unchanged: Int
        public var filed: [ItemKey]
        public var completeness: [Completeness]
        /// Documents that could not be read this time (antivirus, a network share): their
        /// records are kept as they were, not reported missing.
        public var unreadable: [String] = []
        /// Folders of the pack that are symbolic links: not followed, so not scanned.
        public var links: [String] = []
        /// Why the scan cache (`ScanCache`) could not be written, if it could not.
        public var cacheProblem: String?
    }

    public func scan(community: String? = nil) throws -> Report {
        let units = tracker.plan.units.filter { community == nil || $0.id == community }
        let scope = Set(units.map(\.id))
        // A file is read again only when its stamp (device, inode, size, mtime, ctime) differs
        // from the one it was last hashed with.
        let started = ScanCache.coarseNow()

        // Worker threads walk the units and hash what is new or touched; one more reads the scan
        // cache, which the walkers wait for only once they have listed their unit; meanwhile this
        // thread reads the records and files the items.
        let loaded = Later<ScanCache>()
        let packRoot = packRoot
        Thread { loaded.set(ScanCache.load(packRoot: packRoot)) }.start()
        let walker = UnitWalker(packRoot: packRoot, cache: loaded.wait, start: tracker.workspace.street.periodStart, end: tracker.workspace.street.periodEnd)
        var perFile: WalkAndHash<UnitWalker.Walked>.Hash?
        if let hook = hash { perFile = { path, _ in hook(path) } }
        let work = WalkAndHash<UnitWalker.Walked>(parts: units.count, walk: { walker.walk(units[$0]) }, hash: perFile, progress: progress)
        var hashes: [[String?]]?
        defer { if hashes == nil { _ = work.finish() } }  // on an error too: the threads use `walker`

        // Paths are keyed by their bytes (`PathKey`): String hashing normalizes every Chinese name.
        let previous = Dictionary(try tracker.documents(units: scope).map { (PathKey($0.path), $0) }, uniquingKeysWith: { a, _ in a })
        // Items with documents are at least filed (已归档); ticks and verifications stay. Read
        // first, so that a repeat scan, with every item already filed, writes nothing; and
        // while the walkers still walk.
        let statuses = Dictionary(try tracker.items(units: scope).map { ($0.key, $0.status) }, uniquingKeysWith: { a, _ in a })
        var walks = work.walks()
        let completeness = walks.flatMap(\.completeness)
        let links = walks.flatMap(\.links).sorted()

        let candidates = walks.flatMap(\.itemsWithFiles).filter { (statuses[$0] ?? .notReviewed) == .notReviewed }
        let at = tracker.now()
        let filed =
            candidates.isEmpty
            ? []
            : try tracker.update(candidates) { _, current in
                guard (current?.status ?? .notReviewed) == .notReviewed else { return nil }
                return ItemChange(status: .filed, actor: Self.actor, at: at, note: "扫描发现文件")
            }.map { ItemKey(unit: $0.unit, item: $0.subject) }

        hashes = work.finish()
        // Each unit's results are completed in place: copying 18,000 records into one array
        // took a fifth of this thread's time in a repeat scan.
        var unreadable: [String] = []
        var hashed = 0
        for (unit, unitHashes) in zip(walks.indices, hashes ?? []) {
            for (index, hash) in zip(walks[unit].toHash, unitHashes) {
                hashed += 1
                if let hash {
                    walks[unit].found[index].record.sha256 = hash
                } else {
                    // There but unreadable for now: keep what we knew; it is not missing.
                    unreadable.append(walks[unit].found[index].record.path)
                    if let old = previous[walks[unit].found[index].key] { walks[unit].found[index].record = old }
                    walks[unit].found[index].stamp = nil  // not cached: read it again next time
                }
            }
        }
        let present = walks.lazy.flatMap(\.found).filter { !$0.record.sha256.isEmpty }
        var presentCount = 0

        var changes: [ScanChange] = []
        var upserts: [DocumentRecord] = []
        var known = 0
        for file in present {
            presentCount += 1
            let record = file.record
            let old = previous[file.key]
            if old != record { upserts.append(record) }
            guard let old else {
                changes.append(ScanChange(path: record.path, unit: record.unit, item: record.item, kind: .added, size: record.size, sha256: record.sha256))
                continue
            }
            known += 1
            if old.sha256 != record.sha256 {
                changes.append(ScanChange(path: record.path, unit: record.unit, item: record.item, kind: .changed, size: record.size, sha256: record.sha256))
            }
        }
        // Every record still present (the usual case): none went missing.
        var removed: [DocumentRecord] = []
        if known < previous.count {
            let seen = Set(present.map(\.key))
            removed = previous.filter { !seen.contains($0.key) }.map(\.value).sorted { $0.path < $1.path }
        }
        for old in removed {
            changes.append(ScanChange(path: old.path, unit: old.unit, item: old.item, kind: .removed, size: old.size, sha256: old.sha256))
        }
        changes.sort { ($0.unit, $0.path) < ($1.unit, $1.path) }
        // Only records that differ are written (new, changed, or merely touched: the new time is
        // shown); unchanged ones are already recorded.
        let reread = hashed - unreadable.count
        let scan = try tracker.recordScan(
            at: tracker.now(), scope: community, files: presentCount,
            upserts: upserts,
            removed: removed.map(\.path), changes: changes, hashed: hashed)
        let cacheProblem = saveCache(
            loaded.wait(), found: walks.lazy.flatMap(\.found), scannedUnits: units.map(\.folderName), whole: community == nil, started: started,
            allCached: hashed == 0)

        if leavesTablesToExit { _ = Unmanaged.passRetained(Leftovers(tables: (walks, previous, statuses, loaded))) }
        return Report(
            scan: scan, changes: changes, unchanged: presentCount - reread, filed: filed, completeness: completeness,
            unreadable: unreadable.sorted(), links: links, cacheProblem: cacheProblem)
    }

    /// Remembers the stamp and hash of every document read or confirmed by this scan, keeps the
    /// other units' entries on a scan of one unit, and writes the cache only when it changed.
    /// Returns why it could not be written (the next scan then reads those files again).
    private func saveCache(
        _ old: ScanCache, found: some Collection<UnitWalker.Found>, scannedUnits: [String], whole: Bool, started: Int64, allCached: Bool
    ) -> String? {
        let prefixes = scannedUnits.map { $0 + "/" }
        func inScope(_ path: String) -> Bool { whole || prefixes.contains { path.hasPrefix($0) } }
        // Every document came from the cache (so each has its entry): if no other entry is in
        // scope, nothing changed; the usual repeat scan stops here without rebuilding it.
        if allCached && old.entries.keys.count(where: { inScope($0.string) }) == found.count { return nil }
        var cache = old
        cache.prune { !inScope($0) }
        // Kept entries are older than the last scan's start, so older than this one's.
        cache.trustedBefore = started
        for file in found {
            guard let stamp = file.stamp, !file.record.sha256.isEmpty else { continue }
            cache.set(file.key, stamp: stamp, sha256: file.record.sha256)
        }
        guard cache.entries != old.entries else { return nil }  // every entry was already trusted
        do {
            try cache.save(packRoot: packRoot)
            return nil
        } catch {
            return "\(error.localizedDescription)"
        }
    }

    /// The net difference between two scans (after `from`, up to and including `to`).
    public func changes(from: Int64, to: Int64) throws -> [ScanChange] {
        var net: [String: (first: ScanChange, last: ScanChange)] = [:]
        for scan in try tracker.scans() where scan.id > from && scan.id <= to {
            for change in try tracker.changes(scan: scan.id) {
                if let existing = net[change.path] {
                    net[change.path] = (existing.first, change)
                } else {
                    net[change.path] = (change, change)
                }
            }
        }
        var result: [ScanChange] = []
        for (_, pair) in net {
            var change = pair.last
            switch (pair.first.kind, pair.last.kind) {
            case (.added, .removed): continue
            case (.added, _): change.kind = .added
            case (.removed, .added), (.removed, .changed): change.kind = .changed
            case (_, .removed): change.kind = .removed
            default: change.kind = .changed
            }
            result.append(change)
        }
        return result.sorted { ($0.unit, $0.path) < ($1.unit, $1.path) }
    }
}

/// Lists one unit's item folders for `EvidenceScanner`, on a worker thread of `WalkAndHash`.
struct UnitWalker: Sendable {
    let packRoot: String
    /// Waits for the scan cache, which the scan's own thread reads while the walk lists folders.
    let cache: @Sendable () -> ScanCache
    let start: Day
    let end: Day

    struct Found: Sendable {
        var key: PathKey
        var record: DocumentRecord
        var stamp: FileStamp?
    }

    struct Walked: Sendable {
        var found: [Found] = []
        /// Indices into `found` of the files to hash (new or touched).
        var toHash: [Int] = []
        var completeness: [EvidenceScanner.Completeness] = []
        var itemsWithFiles: [ItemKey] = []
        var links: [String] = []
    }

    /// What the unit's item folders hold, and the absolute paths of the files to hash.
    ///
    /// Folders are opened relative to their parent and never through a symbolic link: a unit or
    /// binder folder that is a link is reported once, with nothing below it listed.
    func walk(_ unit: UnitPlan) -> (Walked, [String]) {
        var walked = Walked()
        var listed: [(item: ItemPlan, folder: String, files: [UserFile])] = []
        let unitFolder = FileInventory.openFolder(AT_FDCWD, packRoot + "/" + unit.folderName)
        if unitFolder < 0 && FileInventory.isSymbolicLink(packRoot + "/" + unit.folderName) { walked.links.append(unit.folderName) }
        defer { if unitFolder >= 0 { close(unitFolder) } }
        for binder in unit.binders {
            let binderFolder = unitFolder < 0 ? -1 : FileInventory.openFolder(unitFolder, binder.folderName)
            defer { if binderFolder >= 0 { close(binderFolder) } }
            if binderFolder < 0 && unitFolder >= 0 {
                var info = stat()
                if fstatat(unitFolder, binder.folderName, &info, AT_SYMLINK_NOFOLLOW) == 0 && info.st_mode & S_IFMT == S_IFLNK {
                    walked.links.append(PackPaths.relative(unit, binder))
                }
            }
            for item in binder.items {
                let folder = PackPaths.relative(unit, binder, item)
                var files: [UserFile] = []
                if binderFolder >= 0 {
                    if let found = FileInventory.userFilesUnlessLink(named: item.folderName, in: binderFolder) {
                        files = found
                    } else {
                        walked.links.append(folder)
                    }
                }
                listed.append((item, folder, files))
            }
        }

        let cache = cache()
        let patterns = PeriodCoverage.Patterns()  // compiled on first use, by this thread only
        for (item, folder, files) in listed {
            for file in files {
                let path = PathKey(folder + "/" + file.name)
                let cached = file.stamp.flatMap { cache.sha256(of: path, stamp: $0) }
                if cached == nil { walked.toHash.append(walked.found.count) }
                let record = DocumentRecord(
                    path: path.string, unit: unit.id, item: item.item.code, size: file.size,
                    modified: file.modified.timeIntervalSince1970, sha256: cached ?? "")
                walked.found.append(Found(key: path, record: record, stamp: file.stamp))
            }
            if !files.isEmpty { walked.itemsWithFiles.append(ItemKey(unit: unit.id, item: item.item.code)) }
            let missing = PeriodicGap.gaps(item.item, fileNames: files.map(\.name), start: start, end: end, patterns: patterns).map(\.label)
            walked.completeness.append(
                EvidenceScanner.Completeness(
                    unit: unit.id, unitName: unit.name, item: item.item.code, title: item.item.title,
                    present: files.count, expected: item.item.expectedCount, missingMonths: missing))
        }
        return (walked, walked.toHash.map { packRoot + "/" + walked.found[$0].record.path })
    }
}

/// What `EvidenceScanner.leavesTablesToExit` keeps for the process's exit.
private final class Leftovers {
    let tables: Any
    init(tables: Any) { self.tables = tables }
}

/// A value one thread sets and others wait for.
final class Later<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Value?

    func set(_ new: Value) {
        condition.lock()
        defer { condition.unlock() }
        value = new
        condition.broadcast()
    }

    func wait() -> Value {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let value { return value }
            condition.wait()
        }
    }
}
