import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangTestSupport
import TaizhangTracker
import Testing

@testable import TaizhangOffice

/// Cells that a spreadsheet would run as formulas, next to plain numbers and a rate.
let hostileTable = OfficeTable(
    name: "状态",
    columns: [.init("名称", width: 20), .init("条目", width: 6, .integer), .init("完成率", width: 8, .percent)],
    rows: [
        [#"=HYPERLINK("http://x","点")"#, .number(3), .number(0.9259)],
        ["+1", .number(-2), .empty],
        ["-2+3", .empty, .number(1)],
        ["@SUM(A1)", .empty, .empty],
        ["\tTAB", .empty, .empty],
        ["a,\"b\"\nc", .number(2.5), .empty],
    ])

@Suite struct CSVWriterTests {
    @Test func byteOrderMarkCRLFQuotingAndFormulaPrefix() {
        let bytes = CSVWriter.render(hostileTable)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        let expected =
            "名称,条目,完成率\r\n"
            + #""'=HYPERLINK(""http://x"",""点"")",3,92.59%"# + "\r\n"
            + "'+1,-2,\r\n"
            + "'-2+3,,100%\r\n"
            + "'@SUM(A1),,\r\n"
            + "'\tTAB,,\r\n"
            + "\"a,\"\"b\"\"\nc\",2.5,\r\n"
        #expect(text == expected)
    }
}

@Suite struct WorkbookWriterTests {
    static let created = ChinaTime.start(of: Day("2014-12-10")!)

    @Test func formulaLikeTextIsWrittenAsTextNeverAsAFormula() throws {
        let folder = try TemporaryDirectory("xlsx")
        let path = folder.path + "/状态.xlsx"
        try WorkbookWriter.write([hostileTable], to: path, created: Self.created)
        let parts = try ZipParts(file: path)
        let sheet = String(decoding: try parts.data("xl/worksheets/sheet1.xml"), as: UTF8.self)
        #expect(!sheet.contains("<f>") && !sheet.contains("<f "))
        // A2 is the =HYPERLINK text: a shared string (t="s"), whose text is the formula's letters.
        let a2 = try #require(sheet.range(of: #"<c r="A2"[^>]*>"#, options: .regularExpression).map { String(sheet[$0]) })
        #expect(a2.contains(#"t="s""#))
        let strings = String(decoding: try parts.data("xl/sharedStrings.xml"), as: UTF8.self)
        #expect(strings.contains("=HYPERLINK(&quot;http://x&quot;,&quot;点&quot;)") || strings.contains(#"=HYPERLINK("http://x","点")"#))
        // Numbers are numbers (no t attribute), the rate carries a percentage format.
        let b2 = try #require(sheet.range(of: #"<c r="B2"[^>]*><v>3</v>"#, options: .regularExpression))
        #expect(!sheet[b2].contains("t="))
        #expect(String(decoding: try parts.data("xl/styles.xml"), as: UTF8.self).contains(#"formatCode="0.00%""#))
        // Chinese sheet name, frozen header row, column widths.
        #expect(String(decoding: try parts.data("xl/workbook.xml"), as: UTF8.self).contains(#"name="状态""#))
        #expect(sheet.contains(#"state="frozen""#) && sheet.contains(#"ySplit="1""#))
        #expect(sheet.contains(#"<col min="1" max="1" width="20"#))
    }

    @Test func sameTablesGiveByteIdenticalFiles() throws {
        let folder = try TemporaryDirectory("xlsx")
        try WorkbookWriter.write([hostileTable], to: folder.path + "/a.xlsx", created: Self.created)
        Thread.sleep(forTimeInterval: 1.1)  // the clock moves on: nothing may depend on it
        try WorkbookWriter.write([hostileTable], to: folder.path + "/b.xlsx", created: Self.created)
        let a = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/a.xlsx"))
        let b = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/b.xlsx"))
        #expect(a == b)
        let core = String(decoding: try ZipParts(file: folder.path + "/a.xlsx").data("docProps/core.xml"), as: UTF8.self)
        #expect(core.contains("2014-12-09T16:00:00Z"))  // 10 December 2014, 00:00 in China
    }

    @Test func writesAtomicallyAndLeavesNoTemporaryFile() throws {
        let folder = try TemporaryDirectory("xlsx")
        try WorkbookWriter.write([hostileTable], to: folder.path + "/导出/状态.xlsx", created: Self.created)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/导出") == ["状态.xlsx"])
    }

    @Test func whatIsWrittenReadsBack() throws {
        let folder = try TemporaryDirectory("xlsx")
        try WorkbookWriter.write([hostileTable], to: folder.path + "/t.xlsx", created: Self.created)
        let (table, diagnostics) = XLSXReader.read(file: folder.path + "/t.xlsx")
        #expect(diagnostics.isEmpty)
        let rows = try #require(table).rows
        #expect(rows.map { $0.cells[0]?.value } == ["名称"] + hostileTable.rows.map { if case .text(let t) = $0[0] { t } else { nil } })
        #expect(rows[1].cells[2]?.value == "0.9259")
        #expect(rows[6].cells[1]?.value == "2.5")
    }
}

/// The tables from the reports of the shipped workspace and a fresh tracker.
@Suite struct ExportTablesTests {
    let folder: TemporaryDirectory
    let tracker: Tracker

    init() throws {
        folder = try TemporaryDirectory("export")
        let workspace = try #require(WorkspaceLoader(root: Repository.root).load().validWorkspace)
        let store = try SQLiteTrackerStore(path: folder.path + "/tracker.sqlite")
        let clock = Date(timeIntervalSince1970: 1_417_000_000)
        tracker = Tracker(workspace: workspace, store: store, now: { clock })
        try tracker.seedTasks()
        _ = try tracker.tick(item: "01.06", unit: "wutongshan", by: "p13", note: "=1+1")
    }

    @Test func statusHasEveryUnitAndGroupWithRatesAsFractions() throws {
        let table = try ExportTables.table(.status, tracker: tracker)
        #expect(table.name == "状态")
        #expect(table.rows.count == tracker.plan.units.count + tracker.workspace.street.groups.count)
        let rate = try #require(table.columns.firstIndex { $0.title == "完成率" })
        #expect(table.columns[rate].format == .percent)
        for row in table.rows {
            guard case .number(let value) = row[rate] else {
                Issue.record("完成率 is not a number: \(row[rate])")
                continue
            }
            #expect((0...1).contains(value))
        }
        let wutongshan = try #require(table.rows.first { $0[2] == .text(tracker.plan.units.first { $0.id == "wutongshan" }?.name ?? "") })
        #expect(wutongshan[6] == .number(1))  // 已确认: the one tick
    }

    @Test func logNamesThePersonAndKeepsTheNoteAsText() throws {
        let table = try ExportTables.table(.log, tracker: tracker)
        #expect(table.rows.count == 1)
        #expect(table.rows[0][2] == "p13")
        #expect(table.rows[0][7] == "=1+1")
        let csv = String(decoding: CSVWriter.render(table), as: UTF8.self)
        #expect(csv.contains(",'=1+1\r\n"))
    }

    @Test func tasksCatalogueAndFiguresCoverTheirSources() throws {
        #expect(try ExportTables.table(.tasks, tracker: tracker).rows.count == (try tracker.taskRecords().count))
        let catalogue = ExportTables.table(.catalogue, workspace: tracker.workspace)
        let workspace = tracker.workspace
        #expect(catalogue.rows.count == workspace.catalogue.allItems.count + workspace.catalogue.allIndicators.filter(\.items.isEmpty).count)
        let figures = ExportTables.table(.figures, workspace: workspace)
        #expect(figures.rows.count == workspace.figures.values.count)
        #expect(figures.rows.contains { if case .number = $0[5] { true } else { false } })  // a rate, as a percentage
        #expect(try ExportTables.table(.gaps, tracker: tracker).rows.first?[0] == .number(1))
    }
}
