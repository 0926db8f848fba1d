import Foundation
import Synchronization
import TaizhangCore
import TaizhangTracker

/// One item in one unit as the web pages see it: the plan, the tracker's record, the files in
/// its folder and the core's readiness (`ItemReadiness`, the same rule as print and `status`).
/// The plan is held by reference (the unit's `UnitItems`, made once) and an index: an entry
/// copied no unit, binder or item plan.
struct ItemEntry: Sendable {
    let place: UnitItems
    /// The item's position in `place.items`.
    let index: Int
    var record: ItemRecord?
    var readiness: ItemReadiness
    /// The generated item sheet is in the folder (and servable).
    var hasSheet: Bool

    var unit: UnitPlan { _read { yield place.unit } }
    var binder: BinderPlan { _read { yield place.unit.binders[place.items[index].binder] } }
    var item: ItemPlan { _read { yield place.unit.binders[place.items[index].binder].items[place.items[index].item] } }
    /// What follows from the plan alone (links, labels).
    var location: UnitItems.Item { _read { yield place.items[index] } }
    /// The link to the generated item sheet, when it is in the folder (and servable).
    var sheetHref: String? { hasSheet ? location.sheetHref : nil }
    /// The link to the item's own page.
    var detailHref: String { location.detailHref }

    var code: String { item.item.code }
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
        let street = tracker.workspace.street
        for unit in units {
            let base = PackInventory.Base(paths.unitRoot(unit))
            let place = configuration.locations.of(unit, packRoot: configuration.packRoot, street: street)
            for (index, location) in place.items.enumerated() {
                let binder = unit.binders[location.binder]
                let item = binder.items[location.item]
                let record = records[ItemKey(unit: unit.id, item: item.item.code)]
                let folder = configuration.inventory.folder(location.folder, base: base) {
                    (try? files.resolve([unit.folderName, binder.folderName, item.folderName, GeneratedName.itemSheet])) != nil
                }
                let readiness = ItemReadiness(
                    item: item.item, present: folder.files, status: record?.status, note: record?.note, failedMock: record?.flagged ?? false)
                entries.append(ItemEntry(place: place, index: index, record: record, readiness: readiness, hasSheet: folder.hasSheet))
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
    struct Item: Sendable {
        /// Where the item is in the plan: `unit.binders[binder].items[item]`.
        var binder: Int
        var item: Int
        var folder: PathKey
        var sheetHref: String
        var detailHref: String
        /// `01 组织保障…`: the binder's code and name.
        var binderLabel: String
        /// The item's working group's name, "" when it has none.
        var groupName: String
        /// The row's anchor on the items page of one unit (`item-01.06`) and of several (`item-<unit>-01.06`).
        var anchorInUnit: String
        var anchorInList: String
    }

    let unit: UnitPlan
    let items: [Item]

    init(_ unit: UnitPlan, packRoot: String, street: Street) {
        let paths = PackPaths(packRoot: packRoot)
        let sheetName = PackFiles.encode(GeneratedName.itemSheet)
        var items: [Item] = []
        for (binderIndex, binder) in unit.binders.enumerated() {
            let binderHref = PackFiles.href([unit.folderName, binder.folderName], folder: true)
            let binderLabel = binder.category.code + " " + binder.category.name
            for (itemIndex, item) in binder.items.enumerated() {
                let code = item.item.code
                items.append(
                    Item(
                        binder: binderIndex, item: itemIndex, folder: PathKey(paths.itemRoot(unit, binder, item)),
                        sheetHref: binderHref + PackFiles.encode(item.folderName) + "/" + sheetName,
                        detailHref: ItemsController.detailHref(unit: unit.id, code: code), binderLabel: binderLabel,
                        groupName: item.item.group.flatMap { street.group($0.id)?.name } ?? "",
                        anchorInUnit: ItemsController.anchor(unit: unit.id, code: code, inOneUnit: true),
                        anchorInList: ItemsController.anchor(unit: unit.id, code: code, inOneUnit: false)))
            }
        }
        self.unit = unit
        self.items = items
    }
}

/// Each unit's `UnitItems`, made on first use.
final class ItemLocations: Sendable {
    private let units = Mutex<[String: UnitItems]>([:])

    init() {}

    func of(_ unit: UnitPlan, packRoot: String, street: Street) -> UnitItems {
        if let known = units.withLock({ $0[unit.id] }) { return known }
        let made = UnitItems(unit, packRoot: packRoot, street: street)
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
