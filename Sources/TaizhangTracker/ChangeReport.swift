import Foundation
import TaizhangCore

/// The difference between two scans, grouped per community, as text or as a page model.
public struct ChangeReport: Sendable {
    public let from: Int64
    public let to: Int64
    public let groups: [(unit: String, name: String, changes: [ScanChange])]

    public init(tracker: Tracker, from: Int64, to: Int64, changes: [ScanChange]) {
        self.from = from
        self.to = to
        let byUnit = Dictionary(grouping: changes, by: \.unit)
        groups = tracker.plan.units.compactMap { unit in
            byUnit[unit.id].map { (unit.id, "\(unit.number) \(unit.name)", $0) }
        }
    }

    static let labels: [ScanChange.Kind: String] = [.added: "新增", .changed: "改动", .removed: "缺失"]

    public var text: String {
        var lines = ["扫描 \(from) → \(to) 的变化"]
        if groups.isEmpty { lines.append("没有变化") }
        for group in groups {
            let counts = Dictionary(grouping: group.changes, by: \.kind).mapValues(\.count)
            lines.append("\(group.name)：新增 \(counts[.added] ?? 0)，改动 \(counts[.changed] ?? 0)，缺失 \(counts[.removed] ?? 0)")
            for change in group.changes { lines.append("  \(Self.labels[change.kind] ?? "")  \(change.path)") }
        }
        return lines.joined(separator: "\n")
    }

    /// For `templates/changes.mustache`.
    public var page: [String: Any] {
        [
            "from": String(from), "to": String(to), "empty": groups.isEmpty,
            "groups": groups.map { group -> [String: Any] in
                let counts = Dictionary(grouping: group.changes, by: \.kind).mapValues(\.count)
                return [
                    "name": group.name, "added": counts[.added] ?? 0, "changed": counts[.changed] ?? 0, "removed": counts[.removed] ?? 0,
                    "rows": group.changes.map { ["kind": Self.labels[$0.kind] ?? "", "kindClass": $0.kind.rawValue, "path": $0.path, "item": $0.item] },
                ]
            },
        ]
    }
}
