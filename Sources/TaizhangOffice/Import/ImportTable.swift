import TaizhangDiagnostics

/// A table read from a spreadsheet, every cell knowing where it came from, so that a problem
/// in row 7 of an Excel sheet is reported as `FILE.xlsx:Sheet1!C7` (and in a CSV file as
/// `FILE.csv:7:12`).
public struct ImportTable: Sendable {
    public struct Cell: Sendable, Equatable {
        public var value: String
        public var location: SourceLocation
    }

    public struct Row: Sendable {
        /// The 1-based row number in the sheet (the line in a CSV file).
        public var number: Int
        /// Cells by 0-based column index; missing cells are empty.
        public var cells: [Int: Cell]
    }

    public var file: String
    /// The sheet name (nil for CSV).
    public var sheet: String?
    public var rows: [Row]

    /// Where a cell is, even an empty one: `FILE.xlsx:Sheet1!C7`, or `FILE.csv:7` for CSV.
    public func location(row: Int, column: Int) -> SourceLocation {
        if let sheet { return SourceLocation(file: "\(file):\(sheet)!\(Self.columnName(column))\(row)") }
        return SourceLocation(file: file, line: row, column: 0)
    }

    /// `A`, `B`, …, `Z`, `AA` for 0-based column indexes.
    public static func columnName(_ index: Int) -> String {
        var name = "", n = index + 1
        while n > 0 {
            let remainder = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            n = (n - 1) / 26
        }
        return name
    }

    /// The 0-based column of a reference such as `C7` or `AA12`; nil when it is not one.
    public static func columnIndex(of reference: String) -> Int? {
        var index = 0, letters = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) else { break }
            index = index * 26 + Int(scalar.value - 64)
            letters += 1
        }
        return letters == 0 || letters > 3 ? nil : index - 1
    }

    /// The 1-based row of a reference such as `C7`.
    public static func rowNumber(of reference: String) -> Int? {
        Int(String(reference.drop { $0.isLetter }))
    }
}
