import Foundation
import Synchronization
import TaizhangCore
import TaizhangTracker

/// One item in one unit as the web pages see it: the plan, the tracker's record, the files in
/// its folder and the core's readiness (`ItemReadiness`, the same rule as print and `status`).
struct ItemEntry: Sendable {
    var unit: UnitPlan
    var binder: BinderPlan
    var item: ItemPlan
    var record: ItemRecord?
    var readiness: ItemReadiness
    /// The link to the generated item sheet, when it is in the folder (and servable).
    var sheetHref: String?
    /// The link to the item's own page.
    var detailHref: String

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
        for unit in units {
            let base = PackInventory.Base(paths.unitRoot(unit))
            var locations = configuration.locations.of(unit, packRoot: configuration.packRoot).makeIterator()
            for binder in unit.binders {
                for item in binder.items {
                    guard let location = locations.next() else { break }
                    let record = records[ItemKey(unit: unit.id, item: item.item.code)]
                    let folder = configuration.inventory.folder(location.folder, base: base) {
                        (try? files.resolve([unit.folderName, binder.folderName, item.folderName, GeneratedName.itemSheet])) != nil
                    }
                    let readiness = ItemReadiness(
                        item: item.item, present: folder.files, status: record?.status, note: record?.note, failedMock: record?.flagged ?? false)
                    entries.append(
                        ItemEntry(
                            unit: unit, binder: binder, item: item, record: record, readiness: readiness,
                            sheetHref: folder.hasSheet ? location.sheetHref : nil, detailHref: location.detailHref))
                }
            }
        }
        return entries
    }
}

/// Where each item of a unit lives: its folder's absolute path (as `PackInventory`'s key), the link to its sheet and to its
/// page. They follow from the plan alone, which does not change while the server runs, so they
/// are worked out once per unit: percent-encoding every link on every reload of the items page
/// cost more than counting the files.
final class ItemLocations: Sendable {
    struct Location: Sendable {
        var folder: PathKey
        var sheetHref: String
        var detailHref: String
    }

    private let units = Mutex<[String: [Location]]>([:])

    init() {}

    /// The unit's items in plan order (binder by binder).
    func of(_ unit: UnitPlan, packRoot: String) -> [Location] {
        if let known = units.withLock({ $0[unit.id] }) { return known }
        let paths = PackPaths(packRoot: packRoot)
        let sheetName = PackFiles.encode(GeneratedName.itemSheet)
        var locations: [Location] = []
        for binder in unit.binders {
            let binderHref = PackFiles.href([unit.folderName, binder.folderName], folder: true)
            for item in binder.items {
                locations.append(
                    Location(
                        folder: PathKey(paths.itemRoot(unit, binder, item)), sheetHref: binderHref + PackFiles.encode(item.folderName) + "/" + sheetName,
                        detailHref: ItemsController.detailHref(unit: unit.id, code: item.item.code)))
            }
        }
        units.withLock { $0[unit.id] = locations }
        return locations
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
