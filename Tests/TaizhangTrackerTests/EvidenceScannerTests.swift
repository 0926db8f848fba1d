import Foundation
import TaizhangCore
import Testing

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
        scanner.hash = { paths in paths.map { _ in nil } }
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
