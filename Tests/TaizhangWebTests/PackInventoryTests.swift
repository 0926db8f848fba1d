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

        // A base the path is not below: the full path decides, the cache still holds.
        #expect(inventory.folder(key, base: PackInventory.Base(temporary.path + "/old unit")) { false }.files == 1)
        #expect(inventory.listings == 3)
        Self.pause()
        try write(folder + "/d.pdf")
        #expect(inventory.folder(key, base: PackInventory.Base(temporary.path + "/old unit")) { false }.files == 2)
        // A base that cannot be opened: the full path decides.
        #expect(inventory.folder(key, base: PackInventory.Base(temporary.path + "/missing")) { false }.files == 2)
        #expect(inventory.listings == 4)
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
