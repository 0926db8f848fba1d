import TaizhangCore
import TaizhangDiagnostics

extension ImportTable {
    /// A CSV file (UTF-8 with or without BOM, or GB18030 as Excel saves it on Chinese Windows)
    /// as an import table; the header is row 1 of the table, as in a sheet.
    public static func readCSV(file: String) -> (ImportTable?, [Diagnostic]) {
        let (csv, diagnostics) = CSVTable.read(file: file)
        guard let csv else { return (nil, diagnostics) }
        var table = ImportTable(file: file, sheet: nil, rows: [])
        for row in [csv.header] + csv.rows {
            var cells: [Int: Cell] = [:]
            for (index, field) in row.fields.enumerated() where !field.value.isEmpty {
                cells[index] = Cell(value: field.value, location: SourceLocation(file: file, line: field.line, column: field.column))
            }
            table.rows.append(Row(number: row.line, cells: cells))
        }
        return (table, diagnostics)
    }
}
