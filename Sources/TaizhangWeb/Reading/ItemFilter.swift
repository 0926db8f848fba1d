import Foundation
import TaizhangCore
import TaizhangTracker

/// The items list's filter, read from the query string (GET, so a filtered list is a link
/// anyone can share) and written back into links. Unknown values are ignored, never guessed.
struct ItemFilter: Sendable, Equatable {
    var unit: String?
    var binder: String?
    var group: String?
    /// An `ItemStatus` raw value, or `open` (未检查/已归档) or `done` (signed off).
    var status: String?
    /// One of `flags`.
    var flag: String?
    var text: String?
    /// Every item, also those the person may not change (read-only rows); else only theirs.
    var all = false

    static let statuses: [(id: String, name: String)] =
        [("open", "待确认（未检查、已归档）"), ("done", "已完成（已确认、已抽验、不适用）")] + ItemStatus.allCases.map { ($0.rawValue, $0.chinese) }

    static let flags: [(id: String, name: String)] = [
        ("claimed-incomplete", "已勾选但文件不全"), (ReadinessFlag.failedMock.rawValue, ReadinessFlag.failedMock.chinese),
        ("veto", "一票否决项未稳"), ("docs-incomplete", "文件未齐"), ("docs-complete", "文件齐全"),
        (ReadinessFlag.filesNotReviewed.rawValue, ReadinessFlag.filesNotReviewed.chinese),
    ]

    init(unit: String? = nil, binder: String? = nil, group: String? = nil, status: String? = nil, flag: String? = nil, text: String? = nil, all: Bool = false) {
        self.unit = unit
        self.binder = binder
        self.group = group
        self.status = status
        self.flag = flag
        self.text = text
        self.all = all
    }

    /// From query parameters, each trimmed and capped; a value not in the lists is dropped.
    init(query: (String) -> String?) {
        func value(_ name: String) -> String? {
            guard let raw = query(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty, raw.count <= 64 else { return nil }
            return raw
        }
        self.init(
            unit: value("unit"), binder: value("binder"), group: value("group"),
            status: value("status").flatMap { s in Self.statuses.contains { $0.id == s } ? s : nil },
            flag: value("flag").flatMap { f in Self.flags.contains { $0.id == f } ? f : nil },
            text: value("q"), all: value("scope") == "all")
    }

    /// From a query string such as a form's `return` field.
    init(queryString: String) {
        var pairs: [String: String] = [:]
        for pair in queryString.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).removingPercentEncoding ?? ""
            let value = parts.count > 1 ? String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding : nil
            if pairs[key] == nil { pairs[key] = value }
        }
        self.init(query: { pairs[$0] })
    }

    func matches(_ entry: ItemEntry, groupName: (String) -> String?) -> Bool {
        if let unit, entry.unit.id != unit { return false }
        if let binder, entry.binder.category.code != binder { return false }
        if let group, entry.item.item.group?.id != group { return false }
        if let status {
            switch status {
            case "open": if entry.isDone { return false }
            case "done": if !entry.isDone { return false }
            default: if entry.status.rawValue != status { return false }
            }
        }
        if let flag {
            let ok =
                switch flag {
                case "claimed-incomplete": entry.claimedButIncomplete
                case "veto": entry.vetoUnsafe
                case "docs-incomplete": !entry.readiness.completeness.isSatisfied
                case "docs-complete": entry.readiness.completeness.isSatisfied
                default: entry.readiness.flags.contains { $0.rawValue == flag }
                }
            if !ok { return false }
        }
        if let text {
            let haystack = [
                entry.code, entry.item.item.title, entry.binder.category.name, entry.item.indicator.name,
                entry.item.item.group.flatMap { groupName($0.id) } ?? "", entry.record?.note ?? "",
            ]
            if !haystack.contains(where: { $0.localizedCaseInsensitiveContains(text) }) { return false }
        }
        return true
    }

    /// The filter as a query string (without `?`), fields in a fixed order.
    var query: String {
        let fields: [(String, String?)] = [
            ("unit", unit), ("binder", binder), ("group", group), ("status", status), ("flag", flag), ("q", text), ("scope", all ? "all" : nil),
        ]
        return fields.compactMap { name, value in value.map { name + "=" + PackFiles.encode($0) } }.joined(separator: "&")
    }

    /// `/items?…`, with extra parameters (a success message) after the filter's.
    func href(_ extra: [(String, String)] = []) -> String {
        let parts = [query] + extra.map { $0.0 + "=" + PackFiles.encode($0.1) }
        return "/items?" + parts.filter { !$0.isEmpty }.joined(separator: "&")
    }
}
