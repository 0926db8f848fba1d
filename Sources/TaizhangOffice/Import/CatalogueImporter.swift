import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangXML

/// Turns a catalogue table as districts send it (项目 / 指标名称 / 评估标准 / 分值 / 测评方式,
/// optionally 台账资料 and 资料名称 for the ledger items, 层级, 责任组) into one `<category>`
/// file of the schema. Rows are read top to bottom: a row whose 指标名称 is empty or repeats
/// the previous one continues that indicator (merged cells arrive filled in); each line of a
/// 台账资料 cell is a ledger item. Codes are positions: indicators `8.1, 8.2 …`, items
/// `08.01, 08.02 …` for category `08`.
public struct CatalogueImporter {
    public struct Options: Sendable {
        /// The category code (`08`).
        public var code: String
        /// Only rows of this 项目 (a table may hold several).
        public var category: String?
        /// The owner group when the table has no 责任组 column (or the cell is empty).
        public var group: String?
        /// The level when the table has no 层级 column (or the cell is empty).
        public var level: Level

        public init(code: String, category: String? = nil, group: String? = nil, level: Level = .both) {
            self.code = code
            self.category = category
            self.group = group
            self.level = level
        }
    }

    /// The table's columns, by what they hold; `names` are the headers accepted for each.
    enum Field: CaseIterable {
        case category, indicator, standard, points, method, level, group, item, documents

        var names: [String] {
            switch self {
            case .category: ["项目", "考核项目", "项目名称", "类别"]
            case .indicator: ["指标名称", "指标", "考核指标", "考核内容"]
            case .standard: ["评估标准", "评分标准", "考核标准", "评分细则", "评估细则"]
            case .points: ["分值", "分数", "标准分"]
            case .method: ["测评方式", "考核方式", "检查方式", "考评方式", "评估方式"]
            case .level: ["层级", "级别"]
            case .group: ["责任组", "工作组", "责任单位"]
            case .item: ["台账资料", "台账条目", "台账名称", "台账"]
            case .documents: ["资料名称", "资料清单", "所需资料"]
            }
        }

        var isRequired: Bool { [.category, .indicator, .standard, .points, .method].contains(self) }
        var title: String { names[0] }
    }

    /// 测评方式 as officials write it → the schema's method. The first one named in a cell
    /// counts ("查阅资料、座谈" is a document review).
    public static let methodWords: [(String, VerificationMethod)] = [
        ("查看文件", .documentReview), ("查阅文件", .documentReview), ("查阅资料", .documentReview), ("查看资料", .documentReview),
        ("查资料", .documentReview), ("查阅台账", .ledgerReview), ("查看台账", .ledgerReview), ("查台账", .ledgerReview),
        ("实地考察", .siteVisit), ("实地查看", .siteVisit), ("实地检查", .siteVisit), ("现场查看", .siteVisit), ("现场检查", .siteVisit),
        ("入户抽查", .householdCheck), ("入户核查", .householdCheck), ("入户调查", .householdCheck),
        ("电话访谈", .phoneCheck), ("电话抽查", .phoneCheck), ("电话回访", .phoneCheck), ("电话核查", .phoneCheck),
        ("核对信息库", .systemCheck), ("信息系统核查", .systemCheck), ("系统核查", .systemCheck), ("核对系统", .systemCheck),
    ]

    public struct Result {
        /// The category file, when there were no errors.
        public var xml: [UInt8]?
        public var diagnostics: [Diagnostic]
        public var indicators = 0
        public var items = 0
    }

    let table: ImportTable
    let options: Options
    let groups: [WorkingGroup]

    public init(table: ImportTable, options: Options, groups: [WorkingGroup]) {
        self.table = table
        self.options = options
        self.groups = groups
    }

    private struct ItemDraft {
        var title: String
        var documents: [(title: String, quantity: Int)]
    }

    private struct IndicatorDraft {
        var name: String
        var row: Int
        var standard: String
        var points: Decimal2?
        var pointsText: String
        var method: VerificationMethod
        var methodText: String
        var level: Level
        var group: String
        var items: [ItemDraft] = []
    }

    public func convert() -> Result {
        var d: [Diagnostic] = []
        let start = table.rows.first.map { table.location(row: $0.number, column: 0) } ?? SourceLocation(file: table.file)
        // The header: the first row naming the indicator and its points (a title row may come first).
        guard let headerIndex = table.rows.firstIndex(where: { row in column(of: .indicator, in: row) != nil && column(of: .points, in: row) != nil }) else {
            return Result(
                diagnostics: [
                    .error(
                        "import.no-header", "no header row naming the columns \(Field.allCases.filter(\.isRequired).map(\.title).joined(separator: " / "))",
                        at: start, notes: ["optional columns: \(Field.allCases.filter { !$0.isRequired }.map(\.title).joined(separator: ", "))"])
                ])
        }
        let header = table.rows[headerIndex]
        var columns: [Field: Int] = [:]
        for field in Field.allCases {
            if let index = column(of: field, in: header) { columns[field] = index }
        }
        let missing = Field.allCases.filter { $0.isRequired && columns[$0] == nil }
        if !missing.isEmpty {
            let found = header.cells.keys.sorted().compactMap { header.cells[$0]?.value }.joined(separator: ", ")
            return Result(
                diagnostics: [
                    .error(
                        "import.missing-column", "the header row has no column \(missing.map(\.title).joined(separator: ", "))",
                        at: table.location(row: header.number, column: 0), notes: ["found: \(found)"])
                ])
        }
        guard options.code.range(of: "^[0-9A-Za-z]{1,8}$", options: .regularExpression) != nil else {
            return Result(diagnostics: [.error("import.bad-code", "the category code \"\(options.code)\" must be 1 to 8 letters or digits, e.g. 08", at: start)])
        }
        let itemColumn = columns[.item] ?? columns[.documents]
        let documentColumn = columns[.item] == nil ? nil : columns[.documents]

        func cell(_ row: ImportTable.Row, _ field: Field) -> String {
            guard let index = field == .item ? itemColumn : field == .documents ? documentColumn : columns[field] else { return "" }
            return (row.cells[index]?.value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func at(_ row: ImportTable.Row, _ field: Field) -> SourceLocation {
            let index = field == .item ? itemColumn ?? 0 : columns[field] ?? 0
            return row.cells[index]?.location ?? table.location(row: row.number, column: index)
        }

        // Which 项目 each row belongs to (an empty cell continues the one above).
        var categoryName: String?
        var categoryNames: [String] = []
        var rows: [ImportTable.Row] = []
        var current: String?
        for row in table.rows[(headerIndex + 1)...] {
            if Field.allCases.allSatisfy({ cell(row, $0).isEmpty }) { continue }
            let name = Self.withoutNumbering(cell(row, .category))
            if !name.isEmpty { current = name }
            guard let current else {
                d.append(.error("import.empty-cell", "项目 is empty", at: at(row, .category)))
                continue
            }
            if !categoryNames.contains(current) {
                categoryNames.append(current)
                if options.category == nil && categoryNames.count == 2 {
                    d.append(
                        .error(
                            "import.several-categories", "a second 项目 \"\(current)\" starts here; a catalogue file holds one 项目",
                            at: at(row, .category), notes: ["import one at a time with --category NAME (and --code)"]))
                }
            }
            if options.category == nil || options.category == current {
                categoryName = categoryName ?? current
                rows.append(row)
            }
        }
        if let wanted = options.category, !categoryNames.contains(wanted) {
            d.append(.error("import.unknown-category", "no 项目 named \"\(wanted)\"; the table has: \(categoryNames.joined(separator: ", "))", at: start))
        }
        guard let categoryName, !rows.isEmpty else {
            if d.isEmpty { d.append(.error("import.empty", "the table has a header but no rows", at: table.location(row: header.number, column: 0))) }
            return Result(diagnostics: d)
        }
        checkName(categoryName, "项目", at: at(rows[0], .category), &d)

        var indicators: [IndicatorDraft] = []
        var seen: [String: Int] = [:]
        for row in rows {
            let name = cell(row, .indicator)
            let continues = name.isEmpty || name == indicators.last?.name
            if !continues {
                if let first = seen[name] {
                    d.append(.error("import.duplicate-indicator", "indicator \"\(name)\" was already listed in row \(first); its rows must follow each other", at: at(row, .indicator)))
                    continue
                }
                guard let indicator = newIndicator(row, name: name, cell: cell, at: at, &d) else { continue }
                seen[name] = row.number
                indicators.append(indicator)
            } else if indicators.isEmpty {
                d.append(.error("import.empty-cell", "指标名称 is empty", at: at(row, .indicator)))
                continue
            } else {
                let last = indicators[indicators.count - 1]
                for (field, value, expected) in [(Field.standard, cell(row, .standard), last.standard), (.points, cell(row, .points), last.pointsText), (.method, cell(row, .method), last.methodText)]
                where !value.isEmpty && value != expected {
                    d.append(
                        .error(
                            "import.inconsistent-indicator",
                            "this row continues indicator \"\(last.name)\" (row \(last.row)) but its \(field.title) \"\(value)\" differs from \"\(expected)\"",
                            at: at(row, field), notes: ["leave the cell empty or merge it with row \(last.row); a new indicator needs its own 指标名称"]))
                }
            }
            // Ledger items of the row.
            let itemLines = Self.lines(cell(row, .item))
            let documentLines = Self.lines(cell(row, .documents))
            for title in itemLines {
                checkName(title, "台账资料", at: at(row, .item), &d)
                var documents: [(String, Int)] = []
                if itemLines.count == 1, !documentLines.isEmpty {
                    for line in documentLines {
                        guard let document = Self.document(line) else {
                            d.append(.error("import.bad-quantity", "\"\(line)\": the number of copies after × must be 1 to \(ExpectedDocument.maximumQuantity)", at: at(row, .documents)))
                            continue
                        }
                        checkName(document.title, "资料名称", at: at(row, .documents), &d)
                        documents.append(document)
                    }
                } else {
                    documents = [(title, 1)]
                }
                indicators[indicators.count - 1].items.append(ItemDraft(title: title, documents: documents))
            }
        }
        guard !d.hasErrors else { return Result(diagnostics: d) }
        let xml = render(categoryName: categoryName, indicators)
        return Result(xml: xml, diagnostics: d, indicators: indicators.count, items: indicators.reduce(0) { $0 + $1.items.count })
    }

    private func newIndicator(
        _ row: ImportTable.Row, name: String, cell: (ImportTable.Row, Field) -> String, at: (ImportTable.Row, Field) -> SourceLocation, _ d: inout [Diagnostic]
    ) -> IndicatorDraft? {
        let errors = d.errorCount
        checkName(name, "指标名称", at: at(row, .indicator), &d)
        let standard = cell(row, .standard)
        if standard.isEmpty { d.append(.error("import.empty-cell", "评估标准 of indicator \"\(name)\" is empty", at: at(row, .standard))) }
        let pointsText = cell(row, .points)
        var points: Decimal2?
        if !pointsText.isEmpty {
            let number = pointsText.hasSuffix("分") ? String(pointsText.dropLast()).trimmingCharacters(in: .whitespaces) : pointsText
            if let value = Decimal2(number), value >= .zero, value <= Decimal2(hundredths: 1_000_000) {
                points = value
            } else {
                d.append(.error("import.bad-points", "分值 \"\(pointsText)\" is not a number of points (e.g. 6 or 2.5, at most two decimals)", at: at(row, .points)))
            }
        }
        let methodText = cell(row, .method)
        let method = Self.method(methodText)
        if method == nil {
            let known = Self.methodWords.map(\.0).joined(separator: "、")
            d.append(
                .error(
                    "import.unknown-method", methodText.isEmpty ? "测评方式 of indicator \"\(name)\" is empty" : "unknown 测评方式 \"\(methodText)\"",
                    at: at(row, .method), notes: ["known: \(known)"]))
        }
        var level = options.level
        let levelText = cell(row, .level)
        if !levelText.isEmpty {
            if let parsed = Self.level(levelText) {
                level = parsed
            } else {
                d.append(.error("import.unknown-level", "unknown 层级 \"\(levelText)\"; write 街道, 社区 or 街道和社区", at: at(row, .level)))
            }
        }
        let groupText = cell(row, .group)
        var group = options.group
        if !groupText.isEmpty {
            if let match = groups.first(where: { $0.id == groupText || $0.name == groupText || "\($0.number) \($0.name)" == groupText }) {
                group = match.id
            } else {
                d.append(
                    .error(
                        "import.unknown-group", "unknown 责任组 \"\(groupText)\"", at: at(row, .group),
                        notes: ["known: " + groups.map { "\($0.id) \($0.name)" }.joined(separator: ", ")]))
            }
        } else if group == nil {
            d.append(
                .error(
                    "import.no-group", "indicator \"\(name)\" has no owner group", at: at(row, .indicator),
                    notes: ["add a 责任组 column, or name the group for the whole table with --group ID"]))
        }
        guard d.errorCount == errors, let method, let group else { return nil }
        return IndicatorDraft(
            name: name, row: row.number, standard: standard, points: points, pointsText: pointsText, method: method, methodText: methodText, level: level, group: group)
    }

    private func checkName(_ text: String, _ what: String, at location: SourceLocation, _ d: inout [Diagnostic]) {
        if text.count > 120 { d.append(.error("import.too-long", "\(what) is \(text.count) characters long; at most 120", at: location)) }
    }

    private func column(of field: Field, in row: ImportTable.Row) -> Int? {
        row.cells.keys.sorted().first { index in
            let value = (row.cells[index]?.value ?? "").filter { !$0.isWhitespace }
            return field.names.contains(value)
        }
    }

    private func render(categoryName: String, _ indicators: [IndicatorDraft]) -> [UInt8] {
        let writer = XMLWriter()
        writer.startElement("category")
        writer.attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
        writer.attribute("xsi:noNamespaceSchemaLocation", "../schema/taizhang.xsd")
        writer.attribute("code", options.code)
        writer.attribute("name", categoryName)
        let prefix = Int(options.code).map(String.init) ?? options.code
        var itemNumber = 0
        for (index, indicator) in indicators.enumerated() {
            writer.startElement("indicator")
            writer.attribute("code", "\(prefix).\(index + 1)")
            writer.attribute("name", indicator.name)
            if let points = indicator.points { writer.attribute("points", points.description) }
            writer.attribute("method", indicator.method.rawValue)
            writer.attribute("level", indicator.level.rawValue)
            writer.attribute("group", indicator.group)
            writer.element("standard", text: indicator.standard)
            for item in indicator.items {
                itemNumber += 1
                writer.startElement("item")
                writer.attribute("code", options.code + "." + (itemNumber < 10 ? "0" : "") + String(itemNumber))
                writer.attribute("title", item.title)
                for document in item.documents {
                    writer.startElement("document")
                    writer.attribute("title", document.title)
                    if document.quantity != 1 { writer.attribute("quantity", String(document.quantity)) }
                    writer.endElement()
                }
                writer.endElement()
            }
            writer.endElement()
        }
        writer.endElement()
        let bytes = writer.finish()
        // A comment after the XML declaration says where the file came from.
        let comment = Array("<!-- Imported from \((table.file as NSString).lastPathComponent)\(table.sheet.map { " (\($0))" } ?? "") by taizhang import catalogue. -->\n".utf8)
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return bytes }
        return Array(bytes[...newline]) + comment + Array(bytes[(newline + 1)...])
    }

    // MARK: Cell parsing

    /// The method named first in the cell, or nil.
    public static func method(_ text: String) -> VerificationMethod? {
        if let raw = VerificationMethod(rawValue: text) { return raw }
        var best: (String.Index, VerificationMethod)?
        for (word, method) in methodWords {
            if let range = text.range(of: word), best.map({ range.lowerBound < $0.0 }) ?? true { best = (range.lowerBound, method) }
        }
        return best?.1
    }

    static func level(_ text: String) -> Level? {
        let compact = text.filter { !$0.isWhitespace }
        switch compact {
        case "街道", "street": return .street
        case "社区", "community": return .community
        case "街道和社区", "街道、社区", "街道/社区", "街道社区", "两级", "both": return .both
        default: return nil
        }
    }

    /// Non-empty lines of a cell, trimmed.
    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `会议纪要×4` (also x4, *4) → ("会议纪要", 4); nil when the count is out of range.
    static func document(_ line: String) -> (title: String, quantity: Int)? {
        guard let match = line.range(of: "\\s*[×xX*]\\s*([0-9]+)$", options: .regularExpression) else { return (line, 1) }
        let digits = line[match].filter(\.isNumber)
        guard let quantity = Int(digits), (1...ExpectedDocument.maximumQuantity).contains(quantity) else { return nil }
        return (String(line[..<match.lowerBound]).trimmingCharacters(in: .whitespaces), quantity)
    }

    /// `一、组织保障` → `组织保障`; `1. 组织保障` → `组织保障`.
    static func withoutNumbering(_ text: String) -> String {
        guard let range = text.range(of: "^[（(]?[0-9一二三四五六七八九十]+[）)]?[、.．\\s]+", options: .regularExpression) else { return text }
        return String(text[range.upperBound...]).trimmingCharacters(in: .whitespaces)
    }
}
