import Foundation
import TaizhangDiagnostics

/// A household on the escort route or in the patch. Personal data: it appears only on the
/// walkthrough sheet, inside the community's walkthrough folder.
public struct Household: Sendable, Equatable {
    public enum Category: String, Sendable, CaseIterable {
        /// 放心户: known to be fine.
        case trusted = "放心户"
        /// 重点户: needs attention.
        case key = "重点户"
        case ordinary = "一般户"
    }

    public var id: String
    public var address: String
    public var head: String
    public var category: Category
    /// The 包片 staff member responsible for the patch.
    public var patchStaff: String
    /// What the escort must know about this household.
    public var facts: String
    public var line: Int
}

public struct RouteStop: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case ledgerRoom = "台账室"
        case household = "住户"
        case other = "其他"
    }

    public var order: Int
    public var name: String
    public var kind: Kind
    public var householdID: String?
    public var notes: String
    public var line: Int
}

/// A community's escort route and household list, read from `walkthrough/<id>/`.
public struct WalkthroughData: Sendable {
    public static let folder = "walkthrough"

    public var community: String
    public var households: [Household]
    public var route: [RouteStop]

    public func household(_ id: String) -> Household? { households.first { $0.id == id } }

    /// Reads and validates both CSV files; every problem is a line-numbered diagnostic.
    public static func load(workspace root: String, community: String) -> (WalkthroughData?, [Diagnostic]) {
        let folder = root + "/" + folder + "/" + community
        var diagnostics: [Diagnostic] = []
        guard FileManager.default.fileExists(atPath: folder) else {
            // The street office rehearses its own ledger room: no households to visit, no route needed.
            if community == "street" { return (WalkthroughData(community: community, households: [], route: []), []) }
            return (
                nil,
                [
                    .error(
                        "walkthrough.missing", "no walkthrough data for \(community): put households.csv and route.csv into \(WalkthroughData.folder)/\(community)/",
                        at: SourceLocation(file: folder))
                ]
            )
        }
        let households = readHouseholds(folder + "/households.csv", &diagnostics)
        let route = readRoute(folder + "/route.csv", households: households, &diagnostics)
        if diagnostics.hasErrors { return (nil, diagnostics) }
        return (WalkthroughData(community: community, households: households, route: route), diagnostics)
    }

    static func required(_ table: CSVTable, _ names: [String], label: String, _ d: inout [Diagnostic]) -> Int? {
        if let index = table.column(names) { return index }
        d.append(.error("walkthrough.column-missing", "missing column \(label) in the first line", at: SourceLocation(file: table.file, line: table.header.line, column: 1)))
        return nil
    }

    static func value(_ row: CSVTable.Row, _ index: Int?) -> CSVTable.Field? {
        guard let index, index < row.fields.count else { return nil }
        return row.fields[index]
    }

    static func readHouseholds(_ file: String, _ d: inout [Diagnostic]) -> [Household] {
        let (table, problems) = CSVTable.read(file: file)
        d += problems
        guard let table else { return [] }
        let columns = (
            id: required(table, ["户号", "id"], label: "户号", &d),
            address: required(table, ["地址", "address"], label: "地址", &d),
            head: required(table, ["户主", "head"], label: "户主", &d),
            category: required(table, ["类别", "category"], label: "类别", &d),
            staff: required(table, ["包片人员", "包片", "patch"], label: "包片人员", &d),
            facts: table.column(["须知情况", "情况", "facts"])
        )
        guard columns.id != nil, columns.address != nil, columns.head != nil, columns.category != nil, columns.staff != nil else { return [] }
        d += table.unusedColumns([columns.id, columns.address, columns.head, columns.category, columns.staff, columns.facts])
        var households: [Household] = []
        var seen: [String: Int] = [:]
        for row in table.rows {
            func field(_ index: Int?, _ label: String) -> String? {
                guard let f = value(row, index), !f.value.isEmpty else {
                    d.append(.error("walkthrough.field-missing", "\(label) is empty", at: SourceLocation(file: file, line: row.line, column: value(row, index)?.column ?? 1)))
                    return nil
                }
                return f.value
            }
            guard let id = field(columns.id, "户号"), let address = field(columns.address, "地址"), let head = field(columns.head, "户主"),
                let categoryText = field(columns.category, "类别"), let staff = field(columns.staff, "包片人员")
            else { continue }
            let category: Household.Category
            switch categoryText {
            case "放心户": category = .trusted
            case "重点户": category = .key
            case "一般户", "普通户", "": category = .ordinary
            default:
                d.append(
                    .error(
                        "walkthrough.bad-category", "类别 must be 放心户, 重点户 or 一般户, not \"\(categoryText)\"",
                        at: SourceLocation(file: file, line: row.line, column: value(row, columns.category)?.column ?? 1)))
                continue
            }
            if let first = seen[id] {
                d.append(
                    .error(
                        "walkthrough.duplicate", "户号 \(id) appears twice (first on line \(first))",
                        at: SourceLocation(file: file, line: row.line, column: value(row, columns.id)?.column ?? 1)))
                continue
            }
            seen[id] = row.line
            households.append(
                Household(
                    id: id, address: address, head: head, category: category, patchStaff: staff,
                    facts: value(row, columns.facts)?.value ?? "", line: row.line))
        }
        return households
    }

    static func readRoute(_ file: String, households: [Household], _ d: inout [Diagnostic]) -> [RouteStop] {
        let (table, problems) = CSVTable.read(file: file)
        d += problems
        guard let table else { return [] }
        let columns = (
            order: required(table, ["序号", "order"], label: "序号", &d),
            name: required(table, ["站点", "stop"], label: "站点", &d),
            kind: required(table, ["类型", "kind"], label: "类型", &d),
            household: table.column(["户号", "household"]),
            notes: table.column(["说明", "备注", "notes"])
        )
        guard columns.order != nil, columns.name != nil, columns.kind != nil else { return [] }
        d += table.unusedColumns([columns.order, columns.name, columns.kind, columns.household, columns.notes])
        let known = Set(households.map(\.id))
        var stops: [RouteStop] = []
        for row in table.rows {
            let orderField = value(row, columns.order)
            guard let order = orderField.flatMap({ Int($0.value) }) else {
                d.append(.error("walkthrough.bad-order", "序号 must be a number", at: SourceLocation(file: file, line: row.line, column: orderField?.column ?? 1)))
                continue
            }
            let kindField = value(row, columns.kind)
            guard let kind = kindField.flatMap({ RouteStop.Kind(rawValue: $0.value) }) else {
                d.append(
                    .error(
                        "walkthrough.bad-kind", "类型 must be 台账室, 住户 or 其他, not \"\(kindField?.value ?? "")\"",
                        at: SourceLocation(file: file, line: row.line, column: kindField?.column ?? 1)))
                continue
            }
            let householdField = value(row, columns.household)
            let household = householdField?.value.isEmpty == false ? householdField?.value : nil
            if kind == .household {
                guard let household else {
                    d.append(.error("walkthrough.field-missing", "a 住户 stop needs its 户号", at: SourceLocation(file: file, line: row.line, column: householdField?.column ?? 1)))
                    continue
                }
                if !known.contains(household) {
                    d.append(
                        .error(
                            "walkthrough.unknown-household", "户号 \(household) is not in households.csv",
                            at: SourceLocation(file: file, line: row.line, column: householdField?.column ?? 1)))
                    continue
                }
            }
            stops.append(
                RouteStop(
                    order: order, name: value(row, columns.name)?.value ?? "", kind: kind, householdID: household,
                    notes: value(row, columns.notes)?.value ?? "", line: row.line))
        }
        if let first = stops.min(by: { $0.order < $1.order }), first.kind != .ledgerRoom {
            d.append(.warning("walkthrough.route-start", "the route usually starts in the ledger room (台账室)", at: SourceLocation(file: file, line: first.line, column: 1)))
        }
        return stops.sorted { $0.order < $1.order }
    }
}
