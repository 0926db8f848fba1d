import Foundation

/// What one community's pages are made of, as one digest, so that a run can keep a community's
/// pages without building its view models when nothing of it changed: `base` (program,
/// options, checklists and templates, `RunCache.inputs`), the unit's place in the plan, its
/// items' statuses and score evidence from the tracker, the open tasks (shown beside the
/// gaps), and the files users put into its folders (names, sizes, modification times) with
/// its orphaned folders.
///
/// A change in one community (a tick, a file) changes that community's key only; its pages
/// and the street's pages, which read every unit, are built again, and the other units keep
/// theirs. A checklist or template change changes every key; pages are then built and only
/// those whose fingerprint changed are rendered (`PageFingerprint`).
enum UnitKey {
    static func make(base: String, unit: UnitPlan, inventory: UnitInventory, statuses: (any ItemStatusSource)?, scoring: PackScoring) -> String {
        var text = "unit-key-1\n" + base + "\n" + unit.id + "\t" + unit.number + "\t" + unit.folderName + "\n"
        for task in scoring.openTasks { text += "task \(task.id)\t\(task.title)\t\(task.group)\t\(task.due ?? "-")\n" }
        for plan in unit.items {
            let code = plan.item.code
            text += "item " + code + "\n"
            if let status = statuses?.status(unit: unit.id, item: code) {
                text += "status \(status.status.rawValue)\t\(status.by ?? "-")\t\(status.at ?? "-")\t\(status.flagged)\t\(status.note ?? "-")\n"
            }
            if let evidence = scoring.inputs.items[UnitItem(unit: unit.id, item: code)] {
                text += "evidence \(evidence.status.rawValue)\t\(evidence.flagged)\t\(evidence.present.map(String.init) ?? "-")\t"
                text += "\(evidence.cases.map(String.init) ?? "-")\t\(evidence.rate.map { String($0.bitPattern) } ?? "-")\n"
            }
            for file in inventory.files[code] ?? [] {
                text += "file \(file.name)\t\(file.size)\t\(file.modified.timeIntervalSince1970.bitPattern)\n"
            }
        }
        for orphan in inventory.orphans { text += "orphan \(orphan.path)\t\(orphan.files)\n" }
        return Manifest.sha256(Array(text.utf8))
    }
}
