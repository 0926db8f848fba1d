import Foundation

/// CSV that Excel opens as it is: UTF-8 with a byte-order mark (without it Excel reads GBK on
/// Chinese Windows), CRLF line ends, RFC 4180 quoting. Text that a spreadsheet would take for
/// a formula (`= + - @`, tab, CR at the start) gets a leading `'`, as OWASP recommends for CSV
/// injection; numbers are written plainly, percentages as `92.59%`.
public enum CSVWriter {
    public static func render(_ table: OfficeTable) -> [UInt8] {
        var lines = [table.columns.map { field(.text($0.title), .text) }.joined(separator: ",")]
        for row in table.rows {
            lines.append(
                row.enumerated().map { index, cell in
                    field(cell, index < table.columns.count ? table.columns[index].format : .text)
                }.joined(separator: ","))
        }
        return [0xEF, 0xBB, 0xBF] + Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// Writes the table to `path` atomically.
    public static func write(_ table: OfficeTable, to path: String) throws {
        try AtomicFile.write(render(table), to: path)
    }

    static func field(_ cell: OfficeTable.Cell, _ format: OfficeTable.Format) -> String {
        switch cell {
        case .empty: return ""
        case .number(let value): return number(value, format)
        case .text(let text):
            let value = OfficeTable.looksLikeFormula(text) ? "'" + text : text
            guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return value }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }

    /// `12`, `2.5`, `0.25`, `92.59%`: at most two decimals, no trailing zeros.
    static func number(_ value: Double, _ format: OfficeTable.Format) -> String {
        if format == .percent { return plain(value * 100) + "%" }
        return plain(value)
    }

    static func plain(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
