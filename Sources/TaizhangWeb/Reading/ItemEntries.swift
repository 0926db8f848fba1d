import Foundation
import Synchronization
import TaizhangCore
import TaizhangTracker

/// One item in one unit as the web pages see it: the plan, the tracker's record, the files in
/// its folder and the core's readiness (`ItemReadiness`, the same rule as print and `status`).
/// The plan is held by reference (the unit's `UnitItems`, made once): an entry copies no
/// unit, binder or item plan.
struct ItemEntry: Sendable {
    let place: UnitItems
    /// The item: its plan and what follows from the plan alone (links, labels).
    let location: UnitItems.Item
    var record: ItemRecord?
    var readiness: ItemReadiness
    /// The generated item sheet is in the folder (and servable).
    var hasSheet: Bool

    var unit: UnitPlan { _read { yield place.unit } }
    var binder: BinderPlan { _read { yield location.binder } }
    var item: ItemPlan { _read { yield location.plan } }
    /// The link to the generated item sheet, when it is in the folder (and servable).
    var sheetHref: String? { hasSheet ? location.sheetHref : nil }
    /// The link to the item's own page.
    var detailHref: String { location.detailHref }

    var code: String { location.code }
    var status: ItemStatus { readiness.status }
    /// Signed off (已确认, 已抽验 or 不适用), as `StatusReport.Counts.done` counts.
    var isDone: Bool { status == .ticked || status == .verified || status == .notApplicable }
    /// Marked filed, ticked or verified while documents are missing.
    var claimedButIncomplete: Bool { readiness.flags.contains(.tickedWithoutFiles) || readiness.flags.contains(.incompleteDocuments) }
    /// An item of a 一票否决 indicator that is not yet safe: failed in a mock inspection, or
    /// not signed off with all its documents.
    var vetoUnsafe: Bool { item.indicator.isVeto && (readiness.failedMock || !isDone || !readiness.completeness.isSatisfied) }
    /// Why a veto item is not safe, in words.
    var vetoReason: String {
        if readiness.failedMock { return ReadinessFlag.failedMock.chinese }
        if !readiness.completeness.isSatisfied { return "文件\(readiness.completeness.chinese)（\(readiness.present)/\(readiness.expected)）" }
        return "尚未确认（\(status.chinese)）"
    }
}

enum ItemEntries {
    /// The entries of `units`, records read once (only those units' when they are not all),
    /// files counted per item folder (`PackInventory`).
    static func read(_ configuration: WebConfiguration, units: [UnitPlan]) throws -> [ItemEntry] {
        let tracker = configuration.tracker
        let records = try tracker.webRecords(units: units.count == tracker.plan.units.count ? nil : Set(units.map(\.id)))
        let files = PackFiles(root: configuration.packRoot)
        var entries: [ItemEntry] = []
        entries.reserveCapacity(units.reduce(0) { count, unit in unit.binders.reduce(count) { $0 + $1.items.count } })
        let paths = PackPaths(packRoot: configuration.packRoot)
        for unit in units {
            let base = PackInventory.Base(paths.unitRoot(unit))
            let place = configuration.locations.of(unit, configuration)
            for location in place.items {
                let item = location.plan
                let record = records[location.key]
                let folder = configuration.inventory.folder(location.folder, base: base) {
                    (try? files.resolve([unit.folderName, location.binder.folderName, item.folderName, GeneratedName.itemSheet])) != nil
                }
                let readiness = ItemReadiness(
                    expected: location.expected, expectsFiles: location.expectsFiles, present: folder.files, status: record?.status,
                    note: record?.note, failedMock: record?.flagged ?? false)
                entries.append(ItemEntry(place: place, location: location, record: record, readiness: readiness, hasSheet: folder.hasSheet))
            }
        }
        return entries
    }
}

/// One unit's items in plan order (binder by binder), with what follows from the plan alone:
/// each item's folder (as `PackInventory`'s key), its links and the labels the items page shows.
/// The plan does not change while the server runs, so this is worked out once per unit
/// (`ItemLocations`): percent-encoding every link on every reload of the items page cost more
/// than counting the files, and each row's labels were joined again on every reload.
final class UnitItems: Sendable {
    /// A class, so that an entry holds it with one reference and reads its fields in place.
    final class Item: Sendable {
        let binder: BinderPlan
        let plan: ItemPlan
        /// The item's code and title (read from `plan.item`, a whole `LedgerItem` copied, on every row).
        let code: String
        let title: String
        let folder: PathKey
        let sheetHref: String
        let detailHref: String
        /// `01 组织保障…`: the binder's code and name.
        let binderLabel: String
        /// The item's working group's name, "" when it has none.
        let groupName: String
        /// The row's anchor on the items page of one unit (`item-01.06`) and of several (`item-<unit>-01.06`).
        let anchorInUnit: String
        let anchorInList: String
        /// `LedgerItem.expectedCount` and `kind.expectsFiles`, for `ItemReadiness` on every reload.
        let expected: Int
        let expectsFiles: Bool
        /// The item's key in the tracker's records, made once.
        let key: ItemKey

        init(_ unit: UnitPlan, _ binder: BinderPlan, _ plan: ItemPlan, paths: PackPaths, binderHref: String, binderLabel: String, street: Street) {
            let code = plan.item.code
            self.binder = binder
            self.plan = plan
            self.code = code
            title = plan.item.title
            folder = PathKey(paths.itemRoot(unit, binder, plan))
            sheetHref = UnitItems.readable(binderHref + PackFiles.encode(plan.folderName) + "/" + PackFiles.encode(GeneratedName.itemSheet))
            detailHref = ItemsController.detailHref(unit: unit.id, code: code)
            self.binderLabel = binderLabel
            groupName = plan.item.group.flatMap { street.group($0.id)?.name } ?? ""
            anchorInUnit = ItemsController.anchor(unit: unit.id, code: code, inOneUnit: true)
            anchorInList = ItemsController.anchor(unit: unit.id, code: code, inOneUnit: false)
            expected = plan.item.expectedCount
            expectsFiles = plan.item.kind.expectsFiles
            key = ItemKey(unit: unit.id, item: code)
        }
    }

    let unit: UnitPlan
    let items: [Item]

    init(_ unit: UnitPlan, packRoot: String, street: Street) {
        let paths = PackPaths(packRoot: packRoot)
        var items: [Item] = []
        for binder in unit.binders {
            let binderHref = PackFiles.href([unit.folderName, binder.folderName], folder: true)
            let binderLabel = binder.category.code + " " + binder.category.name
            for item in binder.items {
                items.append(Item(unit, binder, item, paths: paths, binderHref: binderHref, binderLabel: binderLabel, street: street))
            }
        }
        self.unit = unit
        self.items = items
    }

    /// `link` with the bytes of its non-ASCII characters as they are instead of `%XX`
    /// (`/pack/01%20合成社区/…`). A browser percent-encodes them again when it follows the link
    /// (the URL standard's path encoding, UTF-8 on every page here), so it asks for the same
    /// path; the sheet link of every row was a fifth of the items page's bytes. ASCII stays
    /// encoded (spaces, `%`, `#`, `?`, quotes).
    static func readable(_ link: String) -> String {
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        let bytes = Array(link.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x25, index + 2 < bytes.count, let high = hex(bytes[index + 1]), high >= 8, let low = hex(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Each unit's `UnitItems`, made on first use.
final class ItemLocations: Sendable {
    private let units = Mutex<[String: UnitItems]>([:])

    init() {}

    func of(_ unit: UnitPlan, _ configuration: WebConfiguration) -> UnitItems {
        if let known = units.withLock({ $0[unit.id] }) { return known }
        let made = UnitItems(unit, packRoot: configuration.packRoot, street: configuration.tracker.workspace.street)
        return units.withLock { units in
            if let known = units[unit.id] { return known }
            units[unit.id] = made
            return made
        }
    }
}

/// Counts over a set of entries: status progress and document completeness side by side.
struct EntryTotals: Sendable {
    var items = 0
    var done = 0
    var filed = 0
    var complete = 0
    var claimedButIncomplete = 0
    var failedMocks = 0
    var presentFiles = 0
    var expectedFiles = 0

    init(_ entries: some Sequence<ItemEntry>) {
        for entry in entries {
            items += 1
            if entry.isDone { done += 1 }
            if entry.status == .filed { filed += 1 }
            if entry.readiness.completeness.isSatisfied { complete += 1 }
            if entry.claimedButIncomplete { claimedButIncomplete += 1 }
            if entry.readiness.failedMock { failedMocks += 1 }
            let progress = entry.readiness.progress
            presentFiles += progress.present
            expectedFiles += progress.expected
        }
    }

    /// Signed-off items in percent (`StatusReport.Counts.percent`).
    var percent: Int { items == 0 ? 100 : done * 100 / items }
    /// Files present against expected, in percent.
    var filesPercent: Int { expectedFiles == 0 ? 100 : presentFiles * 100 / expectedFiles }
}
