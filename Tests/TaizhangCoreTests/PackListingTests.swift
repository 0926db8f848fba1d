import Foundation
import TaizhangTestSupport
import Testing

@testable import TaizhangCore

/// Issue #15: the pack's listing (`RunCache.listing`), on which a regeneration is skipped when
/// it matches the last run's, sees every kind of change at any depth, and nothing else.
@Suite struct PackListingTests {
    /// A small pack: two units, folders three deep, generated pages and a user's file.
    func pack() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory("listing")
        try folder.write("01 东社区/01 组织/01.01 会议/00 说明.html", "<p>说明</p>")
        try folder.write("01 东社区/01 组织/01.01 会议/会议记录.txt", "一二三四")
        try folder.write("01 东社区/01 组织/01.02 空/00 说明.html", "<p>说明</p>")
        try FileManager.default.createDirectory(atPath: folder.path + "/01 东社区/01 组织/01.03 无", withIntermediateDirectories: true)
        try folder.write("02 西社区/index.html", "<p>西</p>")
        try folder.write("index.xml", "<pack/>")
        return folder
    }

    func digest(_ folder: TemporaryDirectory) throws -> String {
        try #require(RunCache.listing(of: folder.path)).digest
    }

    static let item = "/01 东社区/01 组织/01.01 会议"

    @Test func anUntouchedPackListsTheSame() throws {
        let folder = try pack()
        #expect(try digest(folder) == digest(folder))
        #expect(RunCache.listing(of: folder.path + "/index.xml") == nil)
        #expect(RunCache.listing(of: folder.path + "/missing") == nil)
    }

    enum Change: CaseIterable {
        case userFileEditedInPlaceSameSize, userFileRenamed, userFileDeleted, fileDroppedIntoAnEmptyFolder, folderWithAFileDropped
        case pageEditedInPlace, pageDeleted, emptyFolderRemoved, modeChanged

        func apply(in root: String) throws {
            let fm = FileManager.default
            let item = root + PackListingTests.item
            switch self {
            case .userFileEditedInPlaceSameSize:
                // Same inode, same size: only the file's own times tell.
                let handle = try #require(FileHandle(forWritingAtPath: item + "/会议记录.txt"))
                try handle.write(contentsOf: Data("五六七八".utf8))
                try handle.close()
            case .userFileRenamed: try fm.moveItem(atPath: item + "/会议记录.txt", toPath: item + "/会议纪要.txt")
            case .userFileDeleted: try fm.removeItem(atPath: item + "/会议记录.txt")
            case .fileDroppedIntoAnEmptyFolder: try Data("扫描件".utf8).write(to: URL(fileURLWithPath: root + "/01 东社区/01 组织/01.03 无/扫描.pdf"))
            case .folderWithAFileDropped:
                try fm.createDirectory(atPath: item + "/照片", withIntermediateDirectories: false)
                try Data("照片".utf8).write(to: URL(fileURLWithPath: item + "/照片/1.jpg"))
            case .pageEditedInPlace:
                let handle = try #require(FileHandle(forWritingAtPath: item + "/00 说明.html"))
                try handle.write(contentsOf: Data("<p>改过</p>".utf8))
                try handle.close()
            case .pageDeleted: try fm.removeItem(atPath: root + "/02 西社区/index.html")
            case .emptyFolderRemoved: try fm.removeItem(atPath: root + "/01 东社区/01 组织/01.03 无")
            case .modeChanged: try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: item + "/会议记录.txt")
            }
        }
    }

    @Test(arguments: Change.allCases) func everyChangeIsSeen(_ change: Change) throws {
        let folder = try pack()
        let before = try digest(folder)
        // Lets the coarse file clock tick, so that the change gets a time of its own.
        usleep(50_000)
        try change.apply(in: folder.path)
        #expect(try digest(folder) != before, "\(change)")
    }

    @Test func aLinkIsListedButNeverFollowed() throws {
        let folder = try pack()
        let outside = try TemporaryDirectory("outside")
        try outside.write("a.txt", "a")
        try FileManager.default.createSymbolicLink(atPath: folder.path + Self.item + "/外部", withDestinationPath: outside.path)
        let before = try digest(folder)
        usleep(50_000)
        try outside.write("b.txt", "b")
        #expect(try digest(folder) == before)
    }

    @Test func filesOthersChangedDuringTheRunAreTold() throws {
        let folder = try pack()
        // Every file was written within the last second, hence "during the run".
        let start = RunCache.runStart()
        let generated: @Sendable (String) -> Bool = { $0.hasSuffix(".html") || $0 == "index.xml" }
        let listing = try #require(RunCache.listing(of: folder.path, since: start, ours: generated))
        #expect(listing.ownFiles == 4)
        #expect(listing.changedByOthers)
        let everything: @Sendable (String) -> Bool = { _ in true }
        let allOurs = try #require(RunCache.listing(of: folder.path, since: start, ours: everything))
        #expect(allOurs.ownFiles == 5 && !allOurs.changedByOthers)
        #expect(allOurs.digest == listing.digest)
    }

    @Test func aPendingListingIsTheListingUnlessCancelled() throws {
        let folder = try pack()
        let pending = RunCache.PendingListing(of: folder.path)
        #expect(try pending.wait()?.digest == digest(folder))
        #expect(try pending.wait()?.digest == digest(folder))
        let cancelled = RunCache.PendingListing(of: folder.path)
        cancelled.cancel()
        #expect(cancelled.wait() == nil)
    }
}
