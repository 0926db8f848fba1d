import Foundation
import TaizhangDiagnostics

#if canImport(Glibc)
    import Glibc
#endif

/// A CSV table read for validation: every field knows its line and column, so mistakes in a
/// community's Excel export come back as `file:line:col` diagnostics.
///
/// Hand-written rather than a library: none in the mirror reports positions. RFC 4180 quoting
/// (quoted commas, doubled quotes, quoted line breaks), CRLF or LF, blank lines skipped.
public struct CSVTable: Sendable {
    public struct Field: Sendable, Equatable {
        public var value: String
        public var line: Int
        public var column: Int
    }

    public struct Row: Sendable {
        public var line: Int
        public var fields: [Field]
    }

    public var file: String
    public var header: Row
    public var rows: [Row]
    public var encoding: TextDecoding.Encoding

    /// Reads and splits a file; decoding or quoting problems are diagnostics.
    public static func read(file: String) -> (CSVTable?, [Diagnostic]) {
        var info = stat()
        guard stat(file, &info) == 0 else {
            return (nil, [.error("csv.missing", "file not found", at: SourceLocation(file: file))])
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return (nil, [.error("csv.not-a-file", "is a folder, not a CSV file", at: SourceLocation(file: file))])
        default: return (nil, [.error("csv.not-a-file", "is not a regular file, so it cannot be a CSV file", at: SourceLocation(file: file))])
        }
        guard info.st_size <= 16 * 1024 * 1024 else {
            return (nil, [.error("csv.too-large", "file is too large (over 16 MiB)", at: SourceLocation(file: file))])
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            return (nil, [.error("csv.unreadable", "cannot read the file: \(error.localizedDescription)", at: SourceLocation(file: file))])
        }
        guard let (text, encoding) = TextDecoding.decode(data) else {
            return (nil, [.error("csv.encoding", "cannot read the file as UTF-8 or GB18030; save it from Excel as CSV", at: SourceLocation(file: file))])
        }
        var rows: [Row] = []
        var diagnostics: [Diagnostic] = []
        var fields: [Field] = []
        var value = ""
        var line = 1, column = 1
        var fieldLine = 1, fieldColumn = 1, rowLine = 1
        var quoted = false, wasQuoted = false
        var scalars = Array(text.unicodeScalars)[...]
        func endField() {
            fields.append(Field(value: wasQuoted ? value : value.trimmingCharacters(in: .whitespaces), line: fieldLine, column: fieldColumn))
            value = ""
            wasQuoted = false
        }
        func endRow() {
            endField()
            if !(fields.count == 1 && fields[0].value.isEmpty) { rows.append(Row(line: rowLine, fields: fields)) }
            fields = []
        }
        var atFieldStart = true
        while let scalar = scalars.popFirst() {
            if atFieldStart {
                fieldLine = line
                fieldColumn = column
                if fields.isEmpty { rowLine = line }
                atFieldStart = false
                if scalar == "\"" {
                    quoted = true
                    wasQuoted = true
                    column += 1
                    continue
                }
            }
            if quoted {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        scalars.removeFirst()
                        value.unicodeScalars.append("\"")
                        column += 2
                    } else {
                        quoted = false
                        column += 1
                    }
                } else {
                    value.unicodeScalars.append(scalar)
                    if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
                }
                continue
            }
            switch scalar {
            case ",":
                endField()
                column += 1
                atFieldStart = true
            case "\r":
                column += 1
            case "\n":
                endRow()
                line += 1
                column = 1
                atFieldStart = true
            default:
                if wasQuoted {
                    diagnostics.append(.error("csv.quote", "unexpected text after a closing quote", at: SourceLocation(file: file, line: line, column: column)))
                    wasQuoted = false
                }
                value.unicodeScalars.append(scalar)
                column += 1
            }
        }
        if quoted {
            diagnostics.append(.error("csv.quote", "a quoted field is never closed", at: SourceLocation(file: file, line: fieldLine, column: fieldColumn)))
        }
        if !atFieldStart || !fields.isEmpty { endRow() }
        guard let header = rows.first else {
            return (nil, diagnostics + [.error("csv.empty", "the file is empty; the first line must name the columns", at: SourceLocation(file: file, line: 1, column: 1))])
        }
        for row in rows.dropFirst() where row.fields.count > header.fields.count {
            if let extra = row.fields[header.fields.count...].first(where: { !$0.value.isEmpty }) {
                diagnostics.append(
                    .warning(
                        "csv.extra-fields",
                        "this line has \(row.fields.count) fields but the first line names \(header.fields.count) columns; the extra fields are ignored",
                        at: SourceLocation(file: file, line: extra.line, column: extra.column)))
            }
        }
        return (CSVTable(file: file, header: header, rows: Array(rows.dropFirst()), encoding: encoding), diagnostics)
    }

    /// Warnings for named header columns that are none of `used`: their data is ignored.
    public func unusedColumns(_ used: [Int?]) -> [Diagnostic] {
        let known = Set(used.compactMap { $0 })
        return header.fields.indices.filter { !known.contains($0) && !header.fields[$0].value.isEmpty }.map { index in
            let field = header.fields[index]
            return .warning(
                "csv.extra-column", "column \"\(field.value)\" is not one Taizhang reads; it is ignored",
                at: SourceLocation(file: file, line: field.line, column: field.column))
        }
    }

    /// The index of the first column whose header is one of `names`.
    public func column(_ names: [String]) -> Int? {
        header.fields.firstIndex { names.contains($0.value.lowercased()) || names.contains($0.value) }
    }
}
