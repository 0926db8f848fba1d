import CLibXLSXWriter
import Foundation
import TaizhangDiagnostics

/// Writes tables as an XLSX workbook through libxlsxwriter: one sheet per table, a bold
/// frozen header row with a filter, column widths, numbers as numbers and percentages in a
/// percentage format. Text is only ever written with `worksheet_write_string` (a shared
/// string), so a cell such as `=HYPERLINK(…)` stays text; no formula is ever written.
///
/// Deterministic: the document's creation date is `created` (libxlsxwriter would write the
/// current time into docProps/core.xml), so the same tables give byte-identical files.
public enum WorkbookWriter {
    public static func write(_ tables: [OfficeTable], to path: String, created: Date) throws {
        try AtomicFile.produce(at: path) { temporary in try render(tables, to: temporary, created: created) }
    }

    private static func render(_ tables: [OfficeTable], to path: String, created: Date) throws {
        var options = lxw_workbook_options(constant_memory: 0, tmpdir: nil, use_zip64: 0)
        guard let workbook = workbook_new_opt(path, &options) else {
            throw Diagnostic.error("office.write-failed", "cannot create the workbook", at: SourceLocation(file: path))
        }
        var properties = lxw_doc_properties()
        properties.created = time_t(created.timeIntervalSince1970)
        workbook_set_properties(workbook, &properties)

        let header = workbook_add_format(workbook)
        format_set_bold(header)
        format_set_bg_color(header, 0xDDEBF7)
        format_set_border(header, UInt8(LXW_BORDER_THIN.rawValue))
        format_set_text_wrap(header)
        let integer = workbook_add_format(workbook)
        format_set_num_format(integer, "0")
        let decimal = workbook_add_format(workbook)
        format_set_num_format(decimal, "0.##")
        let percent = workbook_add_format(workbook)
        format_set_num_format(percent, "0.00%")
        func numberFormat(_ format: OfficeTable.Format) -> UnsafeMutablePointer<lxw_format>? {
            switch format {
            case .text: nil
            case .integer: integer
            case .decimal: decimal
            case .percent: percent
            }
        }

        var failure: lxw_error = LXW_NO_ERROR
        func check(_ result: lxw_error) {
            if failure == LXW_NO_ERROR && result != LXW_NO_ERROR { failure = result }
        }
        for table in tables {
            guard let sheet = workbook_add_worksheet(workbook, table.name) else {
                _ = workbook_close(workbook)
                throw Diagnostic.error("office.write-failed", "cannot add the sheet \(table.name)", at: SourceLocation(file: path))
            }
            for (index, column) in table.columns.enumerated() {
                let col = lxw_col_t(index)
                check(worksheet_set_column(sheet, col, col, column.width, numberFormat(column.format)))
                check(worksheet_write_string(sheet, 0, col, column.title, header))
            }
            for (rowIndex, row) in table.rows.enumerated() {
                let r = lxw_row_t(rowIndex + 1)
                for (index, cell) in row.enumerated() {
                    let col = lxw_col_t(index)
                    let format = index < table.columns.count ? table.columns[index].format : .text
                    switch cell {
                    case .empty: break
                    case .text(let text): check(worksheet_write_string(sheet, r, col, text, nil))
                    case .number(let value): check(worksheet_write_number(sheet, r, col, value, numberFormat(format)))
                    }
                }
            }
            worksheet_freeze_panes(sheet, 1, 0)
            if !table.columns.isEmpty {
                check(worksheet_autofilter(sheet, 0, 0, lxw_row_t(table.rows.count), lxw_col_t(table.columns.count - 1)))
            }
        }
        check(workbook_close(workbook))
        guard failure == LXW_NO_ERROR else {
            throw Diagnostic.error("office.write-failed", "cannot write the workbook: \(String(cString: lxw_strerror(failure)))", at: SourceLocation(file: path))
        }
    }
}
