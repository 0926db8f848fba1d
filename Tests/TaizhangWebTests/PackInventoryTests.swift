import Foundation
import Hummingbird
import HummingbirdTesting
import TaizhangCore
import TaizhangTestSupport
import Testing

@testable import TaizhangWeb

/// #15 item 4: the items page keeps each item folder's file count between requests, and
/// whatever changes in the folder, by any means, shows on the next request.
@Suite struct PackInventoryTests {
    /// A folder listed now may change within the file system's clock tick; tests wait past it.
    static func pause() { Thread.sleep(forTimeInterval: 0.05) }

    func write(_ path: String) throws { try Data("x".utf8).write(to: URL(fileURLWithPath: path)) }

    @Test func filesAddedRemovedOrMovedInAFolderOrItsSubFoldersShowAtOnce() throws {
        let temporary = try TemporaryDirectory("inventory")
        let folder = temporary.path + "/01.06 item"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try write(folder + "/a.pdf")
        try write(folder + "/" + GeneratedName.itemSheet)
        let inventory = PackInventory(settle: 0)
        Self.pause()
        #expect(inventory.folder(folder) { true } == .init(files: 1, hasSheet: true))
        // Unchanged: from the cache, not listed again (and the sheet check is not asked).
        #expect(inventory.folder(folder) { false } == .init(files: 1, hasSheet: true))
        #expect(inventory.listings == 1)

        Self.pause()
        try write(folder + "/b.pdf")
        #expect(inventory.folder(folder) { true }.files == 2)
        Self.pause()
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
        try write(folder + "/sub/c.pdf")
        #expect(inventory.folder(folder) { true }.files == 3)
        Self.pause()
        // Only the sub-folder changes here: its own times are checked too.
        try write(folder + "/sub/d.pdf")
        #expect(inventory.folder(folder) { true }.files == 4)
        Self.pause()
        try FileManager.default.moveItem(atPath: folder + "/a.pdf", toPath: temporary.path + "/a.pdf")
        #expect(inventory.folder(folder) { true }.files == 3)
        Self.pause()
        try FileManager.default.removeItem(atPath: folder + "/sub/c.pdf")
        #expect(inventory.folder(folder) { true }.files == 2)
        Self.pause()
        try FileManager.default.removeItem(atPath: folder + "/" + GeneratedName.itemSheet)
        #expect(inventory.folder(folder) { false } == .init(files: 2, hasSheet: false))
        #expect(inventory.listings == 7)
    }

    @Test func aFolderThatAppearsOrIsReplacedByALinkIsListedAgain() throws {
        let temporary = try TemporaryDirectory("inventory")
        let folder = temporary.path + "/item"
        let inventory = PackInventory(settle: 0)
        #expect(inventory.folder(folder) { false }.files == 0)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try write(folder + "/a.pdf")
        #expect(inventory.folder(folder) { false }.files == 1)
        Self.pause()
        try FileManager.default.moveItem(atPath: folder, toPath: temporary.path + "/elsewhere")
        try FileManager.default.createSymbolicLink(atPath: folder, withDestinationPath: temporary.path + "/elsewhere")
        #expect(inventory.folder(folder) { false }.files == 0)
    }

    /// Checked from the unit folder's descriptor (`PackInventory.Base`), an item folder's
    /// changes show as they show by full path; a unit folder replaced between requests is seen
    /// through the next request's base; a path outside the base is checked by its full path.
    @Test func checksFromAUnitFolderSeeTheSameChanges() throws {
        let temporary = try TemporaryDirectory("inventory")
        let unit = temporary.path + "/01 unit"
        let folder = unit + "/01 binder/01.06 item"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try write(folder + "/a.pdf")
        let inventory = PackInventory(settle: 0)
        let key = PathKey(folder)
        Self.pause()
        #expect(inventory.folder(key, base: PackInventory.Base(unit)) { false }.files == 1)
        #expect(inventory.folder(key, base: PackInventory.Base(unit)) { false }.files == 1)
        #expect(inventory.listings == 1)

        Self.pause()
        try write(folder + "/b.pdf")
        #expect(inventory.folder(key, base: PackInventory.Base(unit)) { false }.files == 2)
        #expect(inventory.listings == 2)

        Self.pause()
        try FileManager.default.moveItem(atPath: unit, toPath: temporary.path + "/old unit")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try write(folder + "/c.pdf")
        Self.pause()
        #expect(inventory.folder(key, base: PackInventory.Base(unit)) { false }.files == 1)
        #expect(inventory.listings == 3)

        // A base the path is not below: the full path decides (a count watched from another
        // base is not trusted, so it is listed once more), then the cache holds.
        #expect(inventory.folder(key, base: PackInventory.Base(temporary.path + "/old unit")) { false }.files == 1)
        #expect(inventory.folder(key, base: PackInventory.Base(temporary.path + "/old unit")) { false }.files == 1)
        let listed = inventory.listings
        Self.pause()
        try write(folder + "/d.pdf")
        #expect(inventory.folder(key, base: PackInventory.Base(temporary.path + "/old unit")) { false }.files == 2)
        // A base that cannot be opened: the full path decides.
        #expect(inventory.folder(key, base: PackInventory.Base(temporary.path + "/missing")) { false }.files == 2)
        #expect(inventory.listings == listed + 1)
    }

    /// A folder changed within the last `settle` seconds is listed on every request: its
    /// times might not show a change made in the same clock tick.
    @Test func aFolderChangedJustNowIsNotCached() throws {
        let temporary = try TemporaryDirectory("inventory")
        try write(temporary.path + "/a.pdf")
        let inventory = PackInventory()
        _ = inventory.folder(temporary.path) { false }
        _ = inventory.folder(temporary.path) { false }
        #expect(inventory.listings == 2)
    }
}

#if os(Linux)
    /// #15 goal 4: below a unit folder, counts are kept by the kernel's change notices (inotify)
    /// instead of one `fstatat` per item folder per reload. Each change below, made by any
    /// program, shows on the next request (a new `Base`), with no pause for the clock.
    @Suite struct WatchedInventoryTests {
        struct Pack {
            let temporary: TemporaryDirectory
            var root: String { temporary.path + "/pack" }
            var unit: String { root + "/01 unit" }
            var binder: String { unit + "/01 binder" }
            var item: String { binder + "/01.06 item" }
            var other: String { binder + "/01.07 other" }

            init() throws {
                temporary = try TemporaryDirectory("watched")
                try FileManager.default.createDirectory(atPath: item, withIntermediateDirectories: true)
                try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
            }

            func write(_ path: String) throws { try Data("x".utf8).write(to: URL(fileURLWithPath: path)) }
            func folder(_ path: String) throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
            func move(_ from: String, _ to: String) throws { try FileManager.default.moveItem(atPath: from, toPath: to) }
            func remove(_ path: String) throws { try FileManager.default.removeItem(atPath: path) }

            /// One request's count of `path`, checked from the unit folder as the items page does.
            func count(_ inventory: PackInventory, _ path: String? = nil) -> Int {
                inventory.folder(PathKey(path ?? item), base: PackInventory.Base(unit)) { false }.files
            }
        }

        @Test func unchangedFoldersAreKeptAndEveryChangeShowsOnTheNextRequest() throws {
            let pack = try Pack()
            let inventory = PackInventory(settle: 0)
            #expect(pack.count(inventory) == 0)
            #expect(pack.count(inventory, pack.other) == 0)
            #expect(inventory.watches.count == 4, "unit, binder and both item folders")
            #expect(pack.count(inventory) == 0)
            #expect(pack.count(inventory, pack.other) == 0)
            #expect(inventory.listings == 2, "unchanged: both from the cache")

            try pack.write(pack.item + "/a.pdf")
            #expect(pack.count(inventory) == 1)
            #expect(pack.count(inventory, pack.other) == 0)
            #expect(inventory.listings == 3, "only the changed folder was listed again")
            try pack.folder(pack.item + "/sub/deeper")
            try pack.write(pack.item + "/sub/deeper/b.pdf")
            #expect(pack.count(inventory) == 2)
            // Only the deepest folder changes here: it is watched too.
            try pack.write(pack.item + "/sub/deeper/c.pdf")
            #expect(pack.count(inventory) == 3)
            try pack.move(pack.item + "/sub/deeper/c.pdf", pack.item + "/sub/c2.pdf")
            #expect(pack.count(inventory) == 3)
            try pack.move(pack.item + "/sub/c2.pdf", pack.temporary.path + "/c2.pdf")
            #expect(pack.count(inventory) == 2)
            try pack.move(pack.temporary.path + "/c2.pdf", pack.other + "/c2.pdf")
            #expect(pack.count(inventory, pack.other) == 1)
            try pack.remove(pack.item + "/sub")
            #expect(pack.count(inventory) == 1)
            // A file written in place changes no count, and no count is listed again.
            let listed = inventory.listings
            try pack.write(pack.item + "/a.pdf")
            #expect(pack.count(inventory) == 1)
            #expect(inventory.listings == listed)
        }

        /// IN_DELETE_SELF, IN_MOVE_SELF and IN_IGNORED: a watched folder deleted, renamed away or
        /// replaced (by another folder, a file or a link) is counted again.
        @Test func aFolderDeletedReplacedOrRenamedIsCountedAgain() throws {
            let pack = try Pack()
            let inventory = PackInventory(settle: 0)
            try pack.write(pack.item + "/a.pdf")
            #expect(pack.count(inventory) == 1)
            #expect(inventory.watches.count == 3)
            try pack.remove(pack.item)
            #expect(pack.count(inventory) == 0)
            #expect(inventory.watches.count == 2, "the deleted folder's watch is gone (IN_IGNORED), not held against the limit")
            try pack.folder(pack.item)
            try pack.write(pack.item + "/a.pdf")
            try pack.write(pack.item + "/b.pdf")
            #expect(pack.count(inventory) == 2, "a folder made where a missing one was counted")
            try pack.move(pack.item, pack.temporary.path + "/moved item")
            try pack.folder(pack.item)
            #expect(pack.count(inventory) == 0)
            try pack.write(pack.temporary.path + "/moved item/c.pdf")
            try pack.remove(pack.item)
            try pack.move(pack.temporary.path + "/moved item", pack.item)
            #expect(pack.count(inventory) == 3, "the renamed folder brought back, changed meanwhile")
            // The binder replaced: its items are other folders now.
            try pack.move(pack.binder, pack.temporary.path + "/old binder")
            try pack.folder(pack.item)
            try pack.write(pack.item + "/only.pdf")
            #expect(pack.count(inventory) == 1)
            // The item folder replaced by a link (never followed) and by a file.
            try pack.remove(pack.item)
            try FileManager.default.createSymbolicLink(atPath: pack.item, withDestinationPath: pack.temporary.path + "/old binder/01.06 item")
            #expect(pack.count(inventory) == 0)
            try pack.remove(pack.item)
            try pack.write(pack.item)
            #expect(pack.count(inventory) == 0)
            try pack.remove(pack.item)
            try pack.folder(pack.item)
            try pack.write(pack.item + "/d.pdf")
            #expect(pack.count(inventory) == 1)
        }

        /// The pack deleted and generated again under the server (new folders, perhaps on the
        /// same inode numbers), or moved aside from above the unit folder (no notice reaches
        /// any watched folder then): the unit folder's identity and the deletions tell.
        @Test func aPackRegeneratedOrReplacedFromAboveIsCountedAgain() throws {
            let pack = try Pack()
            let inventory = PackInventory(settle: 0)
            try pack.write(pack.item + "/a.pdf")
            #expect(pack.count(inventory) == 1)
            try pack.remove(pack.root)
            try pack.folder(pack.item)
            try pack.folder(pack.other)
            try pack.write(pack.item + "/a.pdf")
            try pack.write(pack.item + "/b.pdf")
            #expect(pack.count(inventory) == 2)
            try pack.move(pack.root, pack.temporary.path + "/old pack")
            try pack.folder(pack.item)
            #expect(pack.count(inventory) == 0)
            try pack.write(pack.temporary.path + "/old pack/01 unit/01 binder/01.06 item/c.pdf")
            #expect(pack.count(inventory) == 0, "the moved pack's changes are not this one's")
            try pack.remove(pack.root)
            try pack.move(pack.temporary.path + "/old pack", pack.root)
            #expect(pack.count(inventory) == 3)
        }

        /// IN_Q_OVERFLOW: when the kernel's queue overflowed, notices were lost, so every count
        /// is forgotten. The other folder's change here comes after the queue is full.
        @Test func anOverflowedQueueForgetsEveryCount() throws {
            let pack = try Pack()
            let inventory = PackInventory(settle: 0)
            #expect(pack.count(inventory) == 0)
            #expect(pack.count(inventory, pack.other) == 0)
            let queued =
                (try? String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8))
                .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 16_384
            let noise = pack.item + "/busy.tmp"
            for _ in 0...(queued / 2) {
                let descriptor = open(noise, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
                try #require(descriptor >= 0)
                close(descriptor)
                unlink(noise)
            }
            try pack.write(pack.other + "/late.pdf")
            #expect(pack.count(inventory, pack.other) == 1)
            #expect(pack.count(inventory) == 0)
        }

        /// Beyond the watch limit (or the kernel's), a folder is checked by its times.
        @Test func beyondTheWatchLimitFoldersAreCheckedByTheirTimes() throws {
            let pack = try Pack()
            let inventory = PackInventory(settle: 0, watchLimit: 2)
            try pack.write(pack.item + "/a.pdf")
            PackInventoryTests.pause()
            #expect(pack.count(inventory) == 1)
            #expect(inventory.watches.count == 2, "the unit and the binder; the item folder is over the limit")
            #expect(pack.count(inventory) == 1)
            #expect(inventory.listings == 1)
            PackInventoryTests.pause()
            try pack.write(pack.item + "/b.pdf")
            #expect(pack.count(inventory) == 2)
        }

        /// Without inotify (none left for this user, other platforms), times decide.
        @Test func withoutNoticesFoldersAreCheckedByTheirTimes() throws {
            let pack = try Pack()
            let inventory = PackInventory(settle: 0)
            inventory.watches.disable()
            PackInventoryTests.pause()
            #expect(pack.count(inventory) == 0)
            #expect(pack.count(inventory) == 0)
            #expect(inventory.listings == 1)
            PackInventoryTests.pause()
            try pack.write(pack.item + "/a.pdf")
            #expect(pack.count(inventory) == 1)
        }

        /// A link on the way down from the unit folder is followed by the listing, so its target
        /// would not be watched: such a folder is checked by its times.
        @Test func aLinkOnTheWayIsCheckedByTimes() throws {
            let pack = try Pack()
            let elsewhere = pack.temporary.path + "/elsewhere"
            try pack.folder(elsewhere + "/01.06 item")
            try pack.remove(pack.binder)
            try FileManager.default.createSymbolicLink(atPath: pack.binder, withDestinationPath: elsewhere)
            let inventory = PackInventory(settle: 0)
            PackInventoryTests.pause()
            #expect(pack.count(inventory) == 0)
            PackInventoryTests.pause()
            try pack.write(elsewhere + "/01.06 item/a.pdf")
            #expect(pack.count(inventory) == 1)
        }
    }
#endif

/// The items page counts a file someone puts straight into an item folder on the next reload,
/// though it answered from the cache before.
@Suite struct ItemsPageInventoryTests {
    @Test func aFileDroppedIntoTheFolderShowsOnTheNextReload() async throws {
        let f = try WebFixture()
        f.configuration.inventory = PackInventory(settle: 0)
        let folder = try WebRoundTwoTests.itemFolder(f, unit: "wutongshan", item: "01.06")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        PackInventoryTests.pause()
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            func row() async throws -> String {
                let page = WebRoundTwoTests.body(try await lead.get("/items?unit=wutongshan"))
                let start = try #require(page.range(of: "id=\"item-01.06\""))
                let end = try #require(page[start.upperBound...].range(of: "</tr>"))
                return String(page[start.upperBound..<end.lowerBound])
            }
            #expect(try await row().contains("data-label=\"文件\">0/"))
            let listed = f.configuration.inventory.listings
            #expect(try await row().contains("data-label=\"文件\">0/"))
            #expect(f.configuration.inventory.listings == listed, "the second reload came from the cache")
            PackInventoryTests.pause()
            try Data("scan".utf8).write(to: URL(fileURLWithPath: folder + "/会议记录.pdf"))
            #expect(try await row().contains("data-label=\"文件\">1/"))
        }
    }
}

@Suite struct PackFilesEncodingTests {
    /// The byte-level encoder writes what Foundation's `addingPercentEncoding` wrote.
    @Test func encodingMatchesFoundation() {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        for name in [
            "", "01.06", "abc-XYZ_09.~", "01 合成0001社区", "00 说明.html", "a b&c=d?e#f%g/h\\i", "é", "😀 emoji", "\u{202E}rtl", "\0nul",
            "item-01.06", "unit=c0001&ok=ticked",
        ] {
            #expect(PackFiles.encode(name) == name.addingPercentEncoding(withAllowedCharacters: unreserved), "\(name)")
        }
    }
}

/// The items page's sheet links keep non-ASCII characters as they are and everything ASCII the
/// way `PackFiles.encode` wrote it, so a browser that encodes the link asks for the same path.
@Suite struct ReadableLinkTests {
    @Test func onlyTheBytesOfNonASCIICharactersAreDecoded() {
        for name in ["01 合成0001社区", "a%b#c?d e", "（目标）\"'<>", "plain-name_1.2~", "%E5 literally", "混合 %41 ＃"] {
            let link = PackFiles.href([name, "00 说明.html"])
            let readable = UnitItems.readable(link)
            // What a browser sends for the readable link: its non-ASCII bytes percent-encoded.
            let sent = readable.utf8.map { $0 < 0x80 ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
            #expect(sent == link, "\(name)")
            #expect(readable.utf8.allSatisfy { $0 >= 0x80 || $0 > 0x20 && $0 != 0x22 && $0 != 0x27 && $0 != 0x3C && $0 != 0x3E }, "\(name)")
        }
        #expect(UnitItems.readable("/pack/01%20%E5%90%88/00%20%E8%AF%B4%E6%98%8E.html") == "/pack/01%20合/00%20说明.html")
    }
}
