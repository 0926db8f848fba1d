import Foundation
import TaizhangTestSupport
import Testing

@testable import TaizhangCore
@testable import TaizhangTracker

@Suite struct EvidenceScannerTests {
    @Test(arguments: Backend.available) func recordsDocumentsReportsChangesAndSkipsUnchangedFiles(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        let plan = f.tracker.plan
        let unit = try #require(plan.unit(id: "wutongshan"))
        let binder = unit.binders[5], item = binder.items[0]
        let folder = f.directory + "/pack/" + unit.folderName + "/" + binder.folderName + "/" + item.folderName
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for month in ["2013年10月", "2013年11月", "2014年3月"] {
            try "记录 \(month)".write(toFile: folder + "/\(month)报表.pdf", atomically: true, encoding: .utf8)
        }
        let scanner = EvidenceScanner(tracker: f.tracker, packRoot: f.directory + "/pack")
        waitOneClockTick()
        let first = try scanner.scan()
        #expect(first.scan.files == 3 && first.scan.hashed == 3)
        #expect(first.changes.map(\.kind) == [.added, .added, .added])
        #expect(first.filed == [ItemKey(unit: "wutongshan", item: item.item.code)])
        #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: item.item.code))?.status == .filed)
        let documents = try f.store.documents(units: ["wutongshan"])
        #expect(documents.count == 3 && documents.allSatisfy { $0.sha256.count == 64 })

        let second = try scanner.scan()
        #expect(second.scan.hashed == 0 && second.unchanged == 3 && second.changes.isEmpty && second.filed.isEmpty)

        // Touching a file (same content, new time) re-reads it once, reports nothing, and is then remembered.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_400_000_000)], ofItemAtPath: folder + "/2013年11月报表.pdf")
        waitOneClockTick()
        let touched = try scanner.scan()
        #expect(touched.scan.hashed == 1 && touched.changes.isEmpty)
        #expect(try scanner.scan().scan.hashed == 0)

        try "改过的内容，长度不同".write(toFile: folder + "/2014年3月报表.pdf", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: folder + "/2013年10月报表.pdf")
        let third = try scanner.scan(community: "wutongshan")
        #expect(third.scan.hashed == 1)
        #expect(third.changes.map(\.kind) == [.removed, .changed])  // sorted by path: 2013年10月 before 2014年3月
        #expect(try scanner.changes(from: 0, to: third.scan.id).map(\.kind) == [.added, .added])
        #expect(try scanner.changes(from: first.scan.id, to: third.scan.id).map(\.kind) == [.removed, .changed])
        #expect(try f.store.scans().map(\.files) == [3, 3, 3, 3, 2])
    }

    @Test(arguments: Backend.available) func aTickedItemStaysTickedWhenFilesAppear(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        let unit = try #require(f.tracker.plan.unit(id: "wutongshan"))
        let binder = try #require(unit.binders.first { $0.items.contains { $0.item.code == "01.06" } })
        let item = try #require(binder.items.first { $0.item.code == "01.06" })
        let folder = f.directory + "/pack/" + unit.folderName + "/" + binder.folderName + "/" + item.folderName
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "x".write(toFile: folder + "/责任书.pdf", atomically: true, encoding: .utf8)
        let report = try EvidenceScanner(tracker: f.tracker, packRoot: f.directory + "/pack").scan()
        #expect(report.filed.isEmpty)
        #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .ticked)
        let completeness = try #require(report.completeness.first { $0.unit == "wutongshan" && $0.item == "01.06" })
        #expect(completeness.present == 1 && completeness.expected == item.item.expectedCount)
    }

    /// `scan` listed 12 missing months for 02.07, which expects 4 monthly documents; after a
    /// scan, `status` flags the ticked item without files as the index does, and stops when
    /// the file is there.
    @Test func scanNamesMonthsOnlyForDocumentsExpectedEveryMonthAndFeedsStatus() throws {
        let f = try TrackerFixture()
        let unit = try #require(f.tracker.plan.unit(id: "wutongshan"))
        func folder(_ code: String) throws -> String {
            let binder = try #require(unit.binders.first { $0.items.contains { $0.item.code == code } })
            let item = try #require(binder.items.first { $0.item.code == code })
            let path = f.directory + "/pack/" + unit.folderName + "/" + binder.folderName + "/" + item.folderName
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return path
        }
        try "x".write(toFile: try folder("02.07") + "/2014年1月外包人员考勤.xls", atomically: true, encoding: .utf8)
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        let scanner = EvidenceScanner(tracker: f.tracker, packRoot: f.directory + "/pack")
        let report = try scanner.scan()
        let fourMonthly = try #require(report.completeness.first { $0.unit == "wutongshan" && $0.item == "02.07" })
        #expect(fourMonthly.present == 1 && fourMonthly.expected == 4 && fourMonthly.missingMonths.isEmpty)
        let today = try #require(Day("2014-11-30"))
        // Flagged as the index flags them: 01.06 ticked without files, 02.07 filed by the scan with 1 of 4.
        #expect(try StatusReport(tracker: f.tracker, today: today).units.first { $0.id == "wutongshan" }?.counts.flagged == 2)
        try "x".write(toFile: try folder("01.06") + "/责任书.pdf", atomically: true, encoding: .utf8)
        _ = try scanner.scan()
        #expect(try f.tracker.scannedFileNames()[ItemKey(unit: "wutongshan", item: "01.06")] == ["责任书.pdf"])
        let counts = try #require(try StatusReport(tracker: f.tracker, today: today).units.first { $0.id == "wutongshan" }?.counts)
        // 01.06 now has a file (still incomplete), and stays ticked; nothing is complete yet.
        #expect(counts.flagged == 2 && counts.ticked == 1 && counts.filed == 1 && counts.complete == 0)
    }

    @Test(arguments: Backend.available) func aFileUnreadableForAMomentKeepsItsRecord(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        let unit = try #require(f.tracker.plan.unit(id: "wutongshan"))
        let binder = unit.binders[5], item = binder.items[0]
        let folder = unit.folderName + "/" + binder.folderName + "/" + item.folderName
        let pack = f.directory + "/pack"
        try FileManager.default.createDirectory(atPath: pack + "/" + folder, withIntermediateDirectories: true)
        try "记录".write(toFile: pack + "/" + folder + "/2013年10月报表.pdf", atomically: true, encoding: .utf8)
        var scanner = EvidenceScanner(tracker: f.tracker, packRoot: pack)
        let first = try scanner.scan()
        #expect(first.scan.files == 1)
        // Touched, so it is re-read, and the read fails (antivirus holds it).
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_400_000_000)], ofItemAtPath: pack + "/" + folder + "/2013年10月报表.pdf")
        scanner.hash = { _ in nil }
        let blocked = try scanner.scan()
        #expect(blocked.unreadable == [folder + "/2013年10月报表.pdf"])
        #expect(blocked.changes.isEmpty)
        #expect(blocked.scan.files == 1)
        #expect(try f.store.documents(units: ["wutongshan"]).map(\.path) == [folder + "/2013年10月报表.pdf"])
    }

    @Test(arguments: Backend.available) func aSymlinkedItemFolderIsReportedAndNotScanned(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        let unit = try #require(f.tracker.plan.unit(id: "wutongshan"))
        let binder = unit.binders[5]
        let pack = f.directory + "/pack"
        let outside = f.directory + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "secret".write(toFile: outside + "/2013年10月报表.pdf", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: pack + "/" + unit.folderName, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: pack + "/" + unit.folderName + "/" + binder.folderName, withDestinationPath: outside)
        let report = try EvidenceScanner(tracker: f.tracker, packRoot: pack).scan()
        #expect(report.links == [unit.folderName + "/" + binder.folderName])
        #expect(report.scan.files == 0)
    }
}

/// File times move in kernel ticks: a file written in the tick a scan starts is read again by
/// the next scan (`ScanCache.trustedBefore`). Tests that expect a cache hit wait first until the
/// coarse clock has passed the fine-grained time of now: with multigrain timestamps (Linux 6.13
/// on) a file's ctime can be ahead of the coarse clock, by more than one tick.
func waitOneClockTick() {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    let fine = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    while ScanCache.coarseNow() <= fine { Thread.sleep(forTimeInterval: 0.002) }
}

/// The scan cache: a file is hashed again exactly when its (device, inode, size, mtime, ctime)
/// changed since it was last hashed.
@Suite struct ScanCacheTests {
    /// A pack with three documents in one item folder of 梧桐山, and a scanner that counts the
    /// files it hashes.
    struct Pack {
        let f: TrackerFixture
        let pack: String
        let folder: String
        let otherFolder: String
        let hashed = Counter()
        var scanner: EvidenceScanner

        init(_ backend: Backend = .sqlite) throws {
            f = try TrackerFixture(backend)
            let unit = try #require(f.tracker.plan.unit(id: "wutongshan"))
            pack = f.directory + "/pack"
            folder = pack + "/" + PackPaths.relative(unit, unit.binders[5], unit.binders[5].items[0])
            otherFolder = pack + "/" + PackPaths.relative(unit, unit.binders[5], unit.binders[5].items[1])
            for path in [folder, otherFolder] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
            for month in ["2013年10月", "2013年11月", "2014年3月"] {
                try "记录 \(month)".write(toFile: folder + "/\(month)报表.pdf", atomically: true, encoding: .utf8)
            }
            scanner = EvidenceScanner(tracker: f.tracker, packRoot: pack)
            let counter = hashed
            scanner.hash = { path in
                counter.add(1)
                return try? FileHasher.sha256(path: path)
            }
        }

        /// Scans after one clock tick, so that what the scan hashes can be trusted next time.
        func scan(community: String? = nil) throws -> EvidenceScanner.Report {
            waitOneClockTick()
            return try scanner.scan(community: community)
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var total = 0
        func add(_ n: Int) { lock.withLock { total += n } }
        /// Files hashed since the last call.
        func take() -> Int {
            lock.withLock {
                defer { total = 0 }; return total
            }
        }
    }

    @Test(arguments: Backend.available) func anUnchangedTreeIsNotHashedAgain(_ backend: Backend) throws {
        let p = try Pack(backend)
        #expect(try p.scan().scan.hashed == 3)
        #expect(p.hashed.take() == 3)
        let again = try p.scan()
        #expect(p.hashed.take() == 0)
        #expect(again.scan.hashed == 0 && again.unchanged == 3 && again.changes.isEmpty)
        #expect(FileManager.default.fileExists(atPath: p.pack + "/" + ScanCache.fileName))
    }

    @Test func sameSizeWithANewModificationTimeIsHashedAgain() throws {
        let p = try Pack()
        let file = p.folder + "/2013年11月报表.pdf"
        _ = try p.scan()
        _ = p.hashed.take()
        try "记录 2013年12月".write(toFile: file, atomically: false, encoding: .utf8)  // same length
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_400_000_000)], ofItemAtPath: file)
        let report = try p.scan()
        #expect(p.hashed.take() == 1)
        #expect(report.changes.map(\.kind) == [.changed])
    }

    /// The case size and mtime alone miss: new bytes of the same length, and the mtime set back
    /// (an unzip, `touch -d`, a sync tool). The ctime moved, so the file is read again.
    @Test func newContentWithTheOldModificationTimeIsHashedAgainBecauseTheCtimeMoved() throws {
        let p = try Pack()
        let file = p.folder + "/2014年3月报表.pdf"
        let before = try #require(FileStamp.of(file))
        let first = try p.scan()
        #expect(first.scan.hashed == 3)
        _ = p.hashed.take()
        let recorded = try #require(try p.f.tracker.documents(units: nil).first { $0.path.hasSuffix("2014年3月报表.pdf") })
        try "记录 2014年4月".write(toFile: file, atomically: false, encoding: .utf8)
        // Set the mtime back to the nanosecond (Foundation's Date would round it).
        let old = timespec(tv_sec: Int(before.modified / 1_000_000_000), tv_nsec: Int(before.modified % 1_000_000_000))
        let times = [old, old]  // access and modification time
        #expect(utimensat(AT_FDCWD, file, times, 0) == 0)
        let after = try #require(FileStamp.of(file))
        #expect(after.size == before.size && after.modified == before.modified && after.inode == before.inode)
        #expect(after.changed != before.changed)

        let report = try p.scan()
        #expect(p.hashed.take() == 1)
        #expect(report.changes.map(\.kind) == [.changed])
        let new = try #require(try p.f.tracker.documents(units: nil).first { $0.path == recorded.path })
        let actual = try FileHasher.sha256(path: file)
        #expect(new.sha256 != recorded.sha256 && new.sha256 == actual)
    }

    @Test func aRenamedAndAMovedFileAreFound() throws {
        let p = try Pack()
        _ = try p.scan()
        let sha = try FileHasher.sha256(path: p.folder + "/2013年10月报表.pdf")
        try FileManager.default.moveItem(atPath: p.folder + "/2013年10月报表.pdf", toPath: p.folder + "/2013年10月报表（重扫）.pdf")
        try FileManager.default.moveItem(atPath: p.folder + "/2013年11月报表.pdf", toPath: p.otherFolder + "/2013年11月报表.pdf")
        // The renames set the files' ctime; a scan starting in the same coarse clock tick rightly
        // leaves them untrusted (re-read next time), which is the guard, not what this test is about.
        Thread.sleep(forTimeInterval: 0.05)
        let report = try p.scan()
        let summary = report.changes.map { "\($0.kind) \(URL(fileURLWithPath: $0.path).lastPathComponent) \($0.item)" }
        let item0 = report.changes.first { $0.path.hasSuffix("（重扫）.pdf") }
        #expect(report.changes.count == 4, "\(summary)")
        #expect(item0?.kind == .added && item0?.sha256 == sha)
        #expect(report.changes.filter { $0.kind == .removed }.map { URL(fileURLWithPath: $0.path).lastPathComponent }.sorted() == ["2013年10月报表.pdf", "2013年11月报表.pdf"])
        let moved = try #require(report.changes.first { $0.kind == .added && $0.path.hasSuffix("/2013年11月报表.pdf") })
        #expect(p.otherFolder.hasSuffix(URL(fileURLWithPath: moved.path).deletingLastPathComponent().lastPathComponent))
        #expect(report.scan.files == 3)
        // The new paths are remembered: nothing is read on the next scan.
        _ = p.hashed.take()
        let again = try p.scan()
        let stamps = ["（重扫）", "2013年11月"].map { name in
            FileManager.default.subpathsOrEmpty(p.pack).first { $0.contains(name) }.flatMap { FileStamp.of(p.pack + "/" + $0) }
        }
        #expect(
            again.scan.hashed == 0 && p.hashed.take() == 0,
            "cache: \(ScanCache.load(packRoot: p.pack)), stamps now: \(stamps), problem: \(again.cacheProblem ?? "none")")
    }

    /// A cache that belongs to another copy of the file (another device or inode) is not trusted;
    /// nor is a file changed in the tick its scan began; a damaged cache costs a re-read only.
    @Test func onlyAnEntryWithTheSameStampAndAnOlderCtimeIsTrusted() throws {
        let stamp = FileStamp(device: 1, inode: 2, size: 3, modified: 4, changed: 5)
        var cache = ScanCache()
        cache.trustedBefore = 6
        cache.set("a/b.pdf", stamp: stamp, sha256: String(repeating: "0", count: 64))
        #expect(cache.sha256(of: "a/b.pdf", stamp: stamp) != nil)
        for other in [
            FileStamp(device: 9, inode: 2, size: 3, modified: 4, changed: 5), FileStamp(device: 1, inode: 9, size: 3, modified: 4, changed: 5),
            FileStamp(device: 1, inode: 2, size: 9, modified: 4, changed: 5), FileStamp(device: 1, inode: 2, size: 3, modified: 9, changed: 5),
            FileStamp(device: 1, inode: 2, size: 3, modified: 4, changed: 9),
        ] {
            #expect(cache.sha256(of: "a/b.pdf", stamp: other) == nil)
        }
        #expect(cache.sha256(of: "a/c.pdf", stamp: stamp) == nil)
        var racy = cache
        racy.trustedBefore = 5
        #expect(racy.sha256(of: "a/b.pdf", stamp: stamp) == nil)

        let p = try Pack()
        _ = try p.scan()
        let good = try Data(contentsOf: URL(fileURLWithPath: p.pack + "/" + ScanCache.fileName))
        #expect(ScanCache.load(packRoot: p.pack).entries.count == 3)
        try Data("taizhang-scan-cache 1 x\nnonsense\n".utf8).write(to: URL(fileURLWithPath: p.pack + "/" + ScanCache.fileName))
        _ = p.hashed.take()
        let damaged = try p.scan()
        #expect(p.hashed.take() == 3 && damaged.changes.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: p.pack + "/" + ScanCache.fileName)).count == good.count)
    }

    /// The file round-trips; a damaged line (a number too long, a short hash, a missing field,
    /// a ctime not older than the scan) is dropped, never a crash.
    @Test func theCacheFileRoundTripsAndDropsDamagedLines() {
        var cache = ScanCache()
        cache.trustedBefore = 1_000
        let sha = String(repeating: "a", count: 64)
        cache.set("01 社区/表\t格.pdf", stamp: FileStamp(device: 1, inode: 2, size: 3, modified: 4, changed: 5), sha256: sha)
        cache.set("01 社区/扫描件.pdf", stamp: FileStamp(device: UInt64.max, inode: 7, size: 8, modified: 9, changed: 10), sha256: sha)
        var text = String(decoding: cache.serialized(), as: UTF8.self)
        #expect(text.hasPrefix("taizhang-scan-cache 1 1000\n") && !text.contains("表"))  // a tab in a path: not cached
        text += "\(sha)\t1\t99999999999999999999999\t3\t4\t5\tbig.pdf\n"
        text += "abc\t1\t2\t3\t4\t5\tshort.pdf\n"
        text += "\(sha)\t1\t2\t3\t4\tmissing.pdf\n"
        text += "\(sha)\t1\t2\t3\t4\t1000\tracy.pdf\n"
        let loaded = Data(text.utf8).withUnsafeBytes { ScanCache.parse($0) }
        #expect(loaded.trustedBefore == 1_000)
        #expect(Array(loaded.entries.keys) == ["01 社区/扫描件.pdf"])
        #expect(loaded.entries["01 社区/扫描件.pdf"] == cache.entries["01 社区/扫描件.pdf"])
    }

    /// The cache is read only as a regular file of the pack: a symbolic link in its place,
    /// here to a valid cache outside the pack, is not followed (nor would one to /dev/zero be).
    @Test func aCacheThatIsASymbolicLinkIsNotFollowed() throws {
        let folder = try TemporaryDirectory()
        let pack = folder.path + "/pack", outside = folder.path + "/outside"
        try FileManager.default.createDirectory(atPath: pack, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        var cache = ScanCache()
        cache.trustedBefore = 1_000
        cache.set("01 社区/扫描件.pdf", stamp: FileStamp(device: 1, inode: 2, size: 3, modified: 4, changed: 5), sha256: String(repeating: "a", count: 64))
        try cache.save(packRoot: outside)
        #expect(ScanCache.load(packRoot: outside).entries.count == 1)
        try FileManager.default.createSymbolicLink(atPath: pack + "/" + ScanCache.fileName, withDestinationPath: outside + "/" + ScanCache.fileName)
        #expect(ScanCache.load(packRoot: pack).entries.isEmpty)
    }

    /// Two names that differ only in Unicode normalization (é composed, and e with a combining
    /// accent) are two files to the file system: two documents, each hashed once. Swift's String
    /// equality would take them for one path, re-read one of them and report it new every scan.
    @Test func namesThatDifferOnlyInNormalizationAreTwoDocuments() throws {
        let p = try Pack()
        let composed = "caf\u{E9}.pdf", decomposed = "cafe\u{301}.pdf"
        #expect(composed == decomposed && Array(composed.utf8) != Array(decomposed.utf8))
        try Data("一".utf8).write(to: URL(fileURLWithPath: p.folder + "/" + composed))
        try Data("二".utf8).write(to: URL(fileURLWithPath: p.folder + "/" + decomposed))
        let first = try p.scan()
        #expect(first.scan.files == 5 && first.changes.filter { $0.kind == .added }.count == 5)
        _ = p.hashed.take()
        let again = try p.scan()
        #expect(p.hashed.take() == 0)
        #expect(again.scan.hashed == 0 && again.changes.isEmpty && again.unchanged == 5)
        #expect(Set(try p.f.tracker.documents(units: nil).map(\.sha256)).count == 5)
    }

    /// An item folder that is itself a symbolic link is reported and not followed (the listing
    /// tells it from the failed open, with no lstat of every item folder).
    @Test func anItemFolderThatIsALinkIsReportedAndNotFollowed() throws {
        let p = try Pack()
        let outside = p.f.directory + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "secret".write(toFile: outside + "/2013年10月报表.pdf", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: p.otherFolder)
        try FileManager.default.createSymbolicLink(atPath: p.otherFolder, withDestinationPath: outside)
        let report = try p.scan()
        #expect(report.links == [String(p.otherFolder.dropFirst(p.pack.count + 1))])
        #expect(report.scan.files == 3 && p.hashed.take() == 3)
    }

    @Test func aScanOfOneCommunityKeepsTheOtherUnitsEntries() throws {
        let p = try Pack()
        let street = try #require(p.f.tracker.plan.unit(id: "street"))
        let streetFolder = p.pack + "/" + PackPaths.relative(street, street.binders[0], street.binders[0].items[0])
        try FileManager.default.createDirectory(atPath: streetFolder, withIntermediateDirectories: true)
        try "街道文件".write(toFile: streetFolder + "/街道.pdf", atomically: true, encoding: .utf8)
        _ = try p.scan()
        #expect(p.hashed.take() == 4)
        _ = try p.scan(community: "wutongshan")
        #expect(p.hashed.take() == 0)
        #expect(ScanCache.load(packRoot: p.pack).entries.count == 4)
        #expect(try p.scan().scan.hashed == 0 && p.hashed.take() == 0)
    }
}

extension FileManager {
    fileprivate func subpathsOrEmpty(_ path: String) -> [String] { (try? subpathsOfDirectory(atPath: path)) ?? [] }
}
