import Foundation
import TaizhangDiagnostics
import TaizhangXML
import ZIPFoundation

/// Reads one sheet of an XLSX workbook into an `ImportTable`: the workbook's sheet list and
/// relationships, the shared strings, inline strings and numbers, and merged ranges (the value
/// of a merged range's first cell fills every cell of the range, as the table shows it).
/// Formulas are not evaluated: their cached value is read.
public enum XLSXReader {
    /// The most bytes one part of the workbook may hold once unpacked (a zip bomb stops here).
    public static let maximumPartSize = XMLDocument.maximumFileSize

    public static func read(file: String, sheet wanted: String? = nil) -> (ImportTable?, [Diagnostic]) {
        let at = SourceLocation(file: file)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), !isFolder.boolValue else {
            return (nil, [.error("import.missing", "file not found", at: at)])
        }
        let parts: ZipParts
        do {
            parts = try ZipParts(file: file)
        } catch {
            return (nil, [error])
        }
        do {
            let workbook = try parts.xml("xl/workbook.xml")
            let sheets = workbook.children(named: "sheets").flatMap { $0.children(named: "sheet") }.map { element in
                (name: element.attribute("name") ?? "", relation: element.attributes.first { $0.name == "id" }?.value ?? "")
            }
            guard !sheets.isEmpty else { return (nil, [.error("import.no-sheet", "the workbook has no sheet", at: at)]) }
            guard let chosen = wanted.map({ name in sheets.first { $0.name == name } }) ?? sheets.first else {
                return (nil, [.error("import.unknown-sheet", "no sheet named \(wanted ?? ""); the workbook has: \(sheets.map(\.name).joined(separator: ", "))", at: at)])
            }
            let relations = try parts.xml("xl/_rels/workbook.xml.rels").children(named: "Relationship")
            guard let target = relations.first(where: { $0.attribute("Id") == chosen.relation })?.attribute("Target") else {
                return (nil, [.error("import.broken-workbook", "the workbook does not say where sheet \(chosen.name) is", at: at)])
            }
            let sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            let strings = parts.has("xl/sharedStrings.xml") ? sharedStrings(try parts.xml("xl/sharedStrings.xml")) : []
            let table = try self.sheet(try parts.xml(sheetPath), strings: strings, file: file, name: chosen.name)
            return (table, [])
        } catch {
            return (nil, [error])
        }
    }

    /// `<si>` in order: plain `<t>`, or the runs of rich text (phonetic `<rPh>` runs left out).
    static func sharedStrings(_ root: TaizhangXML.XMLElement) -> [String] {
        root.children(named: "si").map { item in
            if let plain = item.child(named: "t") { return plain.text }
            return item.children(named: "r").compactMap { $0.child(named: "t")?.text }.joined()
        }
    }

    static func sheet(_ root: TaizhangXML.XMLElement, strings: [String], file: String, name: String) throws(Diagnostic) -> ImportTable {
        var table = ImportTable(file: file, sheet: name, rows: [])
        var rows: [Int: [Int: String]] = [:]
        for (rowIndex, row) in (root.child(named: "sheetData")?.children(named: "row") ?? []).enumerated() {
            let number = row.attribute("r").flatMap(Int.init) ?? rowIndex + 1
            var nextColumn = 0
            for cell in row.children(named: "c") {
                let reference = cell.attribute("r") ?? ""
                let column = ImportTable.columnIndex(of: reference) ?? nextColumn
                nextColumn = column + 1
                let raw = cell.child(named: "v")?.text
                let value: String
                switch cell.attribute("t") ?? "n" {
                case "s":
                    guard let index = raw.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), strings.indices.contains(index) else {
                        throw .error("import.broken-workbook", "cell refers to a shared string that does not exist", at: table.location(row: number, column: column))
                    }
                    value = strings[index]
                case "inlineStr": value = cell.child(named: "is").map { $0.child(named: "t")?.text ?? $0.children(named: "r").compactMap { $0.child(named: "t")?.text }.joined() } ?? ""
                case "b": value = raw == "1" ? "TRUE" : "FALSE"
                case "str", "e": value = raw ?? ""
                default: value = raw.map(number(_:)) ?? ""
                }
                if !value.isEmpty { rows[number, default: [:]][column] = value }
            }
        }
        for merge in root.child(named: "mergeCells")?.children(named: "mergeCell") ?? [] {
            let ends = (merge.attribute("ref") ?? "").split(separator: ":").map(String.init)
            guard ends.count == 2, let c1 = ImportTable.columnIndex(of: ends[0]), let r1 = ImportTable.rowNumber(of: ends[0]),
                let c2 = ImportTable.columnIndex(of: ends[1]), let r2 = ImportTable.rowNumber(of: ends[1]), r1 <= r2, c1 <= c2, r2 - r1 <= 100_000, c2 - c1 <= 1000
            else { continue }
            guard let value = rows[r1]?[c1] else { continue }
            for r in r1...r2 {
                for c in c1...c2 where rows[r]?[c] == nil { rows[r, default: [:]][c] = value }
            }
        }
        table.rows = rows.keys.sorted().map { number in
            ImportTable.Row(
                number: number,
                cells: (rows[number] ?? [:]).reduce(into: [:]) { cells, entry in
                    cells[entry.key] = ImportTable.Cell(value: entry.value, location: table.location(row: number, column: entry.key))
                })
        }
        return table
    }

    /// A number as Excel shows it in General format: `20`, `2.5`, not `2.5000000000000004`.
    static func number(_ raw: String) -> String {
        guard let value = Double(raw.trimmingCharacters(in: .whitespaces)), value.isFinite else { return raw }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        var text = String(format: "%.10f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}

/// The parts of a zip file (an XLSX workbook), read through ZIPFoundation with a size limit per part.
public struct ZipParts {
    public let file: String
    private let archive: Archive

    public init(file: String) throws(Diagnostic) {
        self.file = file
        do {
            archive = try Archive(url: URL(fileURLWithPath: file), accessMode: .read)
        } catch {
            throw .error("import.not-xlsx", "cannot open the file as an XLSX workbook (a zip file): save it from Excel as .xlsx", at: SourceLocation(file: file))
        }
    }

    public func has(_ path: String) -> Bool { archive[path] != nil }

    /// The bytes of one part.
    public func data(_ path: String) throws(Diagnostic) -> Data {
        let at = SourceLocation(file: file)
        guard let entry = archive[path] else { throw .error("import.broken-workbook", "the workbook has no \(path)", at: at) }
        guard entry.uncompressedSize <= UInt64(XLSXReader.maximumPartSize) else {
            throw .error("import.too-large", "\(path) is too large once unpacked (over \(XLSXReader.maximumPartSize / 1024 / 1024) MiB)", at: at)
        }
        var data = Data()
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                data.append(chunk)
                if data.count > XLSXReader.maximumPartSize { throw CocoaError(.fileReadTooLarge) }
            }
        } catch {
            throw .error("import.broken-workbook", "cannot unpack \(path): \(error.localizedDescription)", at: at)
        }
        return data
    }

    /// One part parsed as XML; its root element.
    public func xml(_ path: String) throws(Diagnostic) -> TaizhangXML.XMLElement {
        let bytes = try data(path)
        let result = XMLDocument.parse(string: String(decoding: bytes, as: UTF8.self), file: file + "/" + path)
        guard let root = result.document?.root else {
            throw result.diagnostics.first ?? .error("import.broken-workbook", "\(path) is not XML", at: SourceLocation(file: file))
        }
        return root
    }
}
