import Foundation
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
        let paths = PackPaths(packRoot: configuration.packRoot)
        let files = PackFiles(root: configuration.packRoot)
        var entries: [ItemEntry] = []
        let sheetName = PackFiles.encode(GeneratedName.itemSheet)
        for unit in units {
            for binder in unit.binders {
                let binderHref = PackFiles.href([unit.folderName, binder.folderName], folder: true)
                for item in binder.items {
                    let record = records[ItemKey(unit: unit.id, item: item.item.code)]
                    let folder = configuration.inventory.folder(paths.itemRoot(unit, binder, item)) {
                        (try? files.resolve([unit.folderName, binder.folderName, item.folderName, GeneratedName.itemSheet])) != nil
                    }
                    let readiness = ItemReadiness(
                        item: item.item, present: folder.files, status: record?.status, note: record?.note, failedMock: record?.flagged ?? false)
                    let sheetHref = folder.hasSheet ? binderHref + PackFiles.encode(item.folderName) + "/" + sheetName : nil
                    entries.append(ItemEntry(unit: unit, binder: binder, item: item, record: record, readiness: readiness, sheetHref: sheetHref))
                }
            }
        }
        return entries
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
