import TaizhangCore

/// One table for a spreadsheet: a sheet of an XLSX workbook, or a CSV file. The exporters
/// build tables from the reports; `WorkbookWriter` and `CSVWriter` only lay them out.
public struct OfficeTable: Sendable, Equatable {
    /// How a column's numbers are shown.
    public enum Format: Sendable, Equatable {
        case text
        /// Whole numbers (counts).
        case integer
        /// Up to two decimals (points).
        case decimal
        /// A fraction shown as a percentage (0.9259 → 92.59%).
        case percent
    }

    public struct Column: Sendable, Equatable {
        public var title: String
        /// Width in Excel character units (a CJK character is about two).
        public var width: Double
        public var format: Format

        public init(_ title: String, width: Double, _ format: Format = .text) {
            self.title = title
            self.width = width
            self.format = format
        }
    }

    /// A cell: text is always written as text, never as a formula.
    public enum Cell: Sendable, Equatable, ExpressibleByStringLiteral {
        case text(String)
        case number(Double)
        case empty

        public init(stringLiteral value: String) { self = .text(value) }

        /// Text, or an empty cell for nil or "".
        public static func optional(_ text: String?) -> Cell {
            guard let text, !text.isEmpty else { return .empty }
            return .text(text)
        }

        public static func number(_ value: Int) -> Cell { .number(Double(value)) }
        public static func number(_ value: Decimal2) -> Cell { .number(Double(value.hundredths) / 100) }
    }

    /// The sheet name (Chinese, at most 31 characters) and the default file name.
    public var name: String
    public var columns: [Column]
    public var rows: [[Cell]]

    public init(name: String, columns: [Column], rows: [[Cell]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }

    /// Cells a spreadsheet would read as a formula or a command (OWASP CSV injection):
    /// text starting with `=`, `+`, `-`, `@`, a tab or a carriage return.
    public static func looksLikeFormula(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        return ["=", "+", "-", "@", "\t", "\r"].contains(first)
    }
}
