import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangTestSupport
import TaizhangXML
import Testing

@testable import TaizhangOffice

enum OfficeFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let workspace: Workspace? = WorkspaceLoader(root: Repository.root).load().validWorkspace

    static func convert(_ table: ImportTable, code: String = "08", category: String? = nil, group: String? = nil) throws -> CatalogueImporter.Result {
        let groups = try #require(workspace).street.groups
        return CatalogueImporter(table: table, options: .init(code: code, category: category, group: group), groups: groups).convert()
    }
}

@Suite struct XLSXReaderTests {
    @Test func mergedCellsFillTheirRange() throws {
        let (table, diagnostics) = XLSXReader.read(file: OfficeFixtures.folder + "/catalogue-good.xlsx")
        #expect(diagnostics.isEmpty)
        let rows = try #require(table).rows
        let row5 = try #require(rows.first { $0.number == 5 })
        #expect(row5.cells[0]?.value == "八、档案管理")  // A3:A7
        #expect(row5.cells[1]?.value == "档案整理")  // B3:B5
        #expect(row5.cells[3]?.value == "4")  // D3:D5, a number
        #expect(row5.cells[1]?.location.file == OfficeFixtures.folder + "/catalogue-good.xlsx:Sheet1!B5")
        #expect(rows.first { $0.number == 6 }?.cells[3]?.value == "2.5")
    }

    @Test func sharedAndInlineStringsNumbersAndRichText() throws {
        let strings = try #require(
            XMLDocument.parse(
                string: #"<sst xmlns="x"><si><t>项目</t></si><si><r><t>指标</t></r><r><t>名称</t></r><rPh><t>しひょう</t></rPh></si></sst>"#, file: "s.xml"
            ).document?.root)
        #expect(XLSXReader.sharedStrings(strings) == ["项目", "指标名称"])
        let sheet = try #require(
            XMLDocument.parse(
                string: #"""
                    <worksheet xmlns="x"><sheetData><row r="3"><c r="A3" t="s"><v>1</v></c><c r="C3" t="inlineStr"><is><t>查阅资料</t></is></c>\#
                    <c r="D3"><v>2.5000000000000004</v></c><c r="E3" t="str"><f>A3</f><v>指标名称</v></c></row></sheetData>\#
                    <mergeCells><mergeCell ref="A3:B4"/></mergeCells></worksheet>
                    """#, file: "sheet1.xml"
            ).document?.root)
        let table = try XLSXReader.sheet(sheet, strings: ["项目", "指标名称"], file: "t.xlsx", name: "表")
        let row3 = try #require(table.rows.first)
        #expect(row3.cells.mapValues(\.value) == [0: "指标名称", 1: "指标名称", 2: "查阅资料", 3: "2.5", 4: "指标名称"])
        #expect(table.rows.last?.number == 4 && table.rows.last?.cells[1]?.location.file == "t.xlsx:表!B4")
    }

    @Test func aFileThatIsNoWorkbookIsADiagnostic() throws {
        let folder = try TemporaryDirectory("import")
        try folder.write("fake.xlsx", "项目,指标名称\n")
        let (table, diagnostics) = XLSXReader.read(file: folder.path + "/fake.xlsx")
        #expect(table == nil)
        #expect(diagnostics.map(\.id) == ["import.not-xlsx"])
        #expect(XLSXReader.read(file: folder.path + "/none.xlsx").1.map(\.id) == ["import.missing"])
    }
}

@Suite struct CatalogueImporterTests {
    @Test func theGoodTableBecomesACategoryThatValidates() throws {
        let (table, _) = XLSXReader.read(file: OfficeFixtures.folder + "/catalogue-good.xlsx")
        let result = try OfficeFixtures.convert(try #require(table))
        #expect(result.diagnostics.isEmpty)
        let xml = String(decoding: try #require(result.xml), as: UTF8.self)
        #expect(xml.contains(#"<category xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="../schema/taizhang.xsd" code="08" name="档案管理">"#))
        #expect(xml.contains(#"<indicator code="8.1" name="档案整理" points="4" method="document-review" level="both" group="g1">"#))
        #expect(xml.contains(#"<indicator code="8.2" name="档案安全" points="2.5" method="site-visit" level="both" group="g4">"#))
        #expect(xml.contains(#"<item code="08.01" title="档案目录">"#) && xml.contains(#"<document title="档案目录表" quantity="2"/>"#))
        #expect(xml.contains(#"<item code="08.02" title="归档记录">"#) && xml.contains(#"<document title="移交清单"/>"#))
        #expect(xml.contains(#"<item code="08.05" title="档案员岗位职责">"#))
        #expect((result.indicators, result.items) == (2, 5))

        let check = ImportedCatalogueCheck.check(
            try #require(result.xml), relative: "catalogue/08-archives.xml", workspace: Repository.root, displayPath: "/somewhere/08-archives.xml")
        #expect(!check.isIncluded)
        // Only the catalogue's declared total no longer adds up (100 + 6.5): a warning, not a refusal.
        #expect(check.diagnostics.map(\.id) == ["checklist.points-mismatch"])
        #expect(check.diagnostics.allSatisfy { $0.severity == .warning })
    }

    @Test func everyProblemOfTheBadTablePointsAtItsCell() throws {
        let file = OfficeFixtures.folder + "/catalogue-bad.xlsx"
        let (table, _) = XLSXReader.read(file: file)
        let result = try OfficeFixtures.convert(try #require(table))
        #expect(result.xml == nil)
        let rendered = result.diagnostics.map { $0.rendered(relativeTo: OfficeFixtures.folder) }
        #expect(
            rendered == [
                #"catalogue-bad.xlsx:Sheet1!D5: error: this row continues indicator "档案整理" (row 3) but its 分值 "5" differs from "4" [import.inconsistent-indicator]"#
                    + "\n    note: leave the cell empty or merge it with row 3; a new indicator needs its own 指标名称",
                #"catalogue-bad.xlsx:Sheet1!E6: error: unknown 测评方式 "座谈" [import.unknown-method]"#
                    + "\n    note: known: " + CatalogueImporter.methodWords.map(\.0).joined(separator: "、"),
                #"catalogue-bad.xlsx:Sheet1!D7: error: 分值 "三分" is not a number of points (e.g. 6 or 2.5, at most two decimals) [import.bad-points]"#,
                #"catalogue-bad.xlsx:Sheet1!F7: error: unknown 责任组 "第九组" [import.unknown-group]"#
                    + "\n    note: known: g1 信息系统处理组, g2 信息采集审核组, g3 业务督导组, g4 迎检协调组, g5 后勤保障组, g6 社区工作组, g7 外围清理组",
            ])
    }

    @Test func csvProblemsPointAtLineAndColumn() throws {
        let folder = try TemporaryDirectory("import")
        try folder.write(
            "目录.csv",
            "\u{FEFF}项目,指标名称,评估标准,分值,测评方式,台账资料\r\n组织保障,例会,每月一次,3,查阅台账,例会记录\r\n组织保障,培训,每年两次,2,电话,培训签到\r\n")
        let (table, readDiagnostics) = ImportTable.readCSV(file: folder.path + "/目录.csv")
        #expect(readDiagnostics.isEmpty)
        let result = try OfficeFixtures.convert(try #require(table), group: "g4")
        #expect(result.diagnostics.map { $0.rendered(relativeTo: folder.path) }.first?.components(separatedBy: "\n").first == #"目录.csv:3:16: error: unknown 测评方式 "电话" [import.unknown-method]"#)
    }

    @Test func severalCategoriesNeedChoosingOne() throws {
        let table = ImportTable(
            file: "t.xlsx", sheet: "S",
            rows: [
                row(1, ["项目", "指标名称", "评估标准", "分值", "测评方式"]),
                row(2, ["组织保障", "例会", "每月一次", "3", "查阅台账"]),
                row(3, ["宣传教育", "宣传栏", "每季更新", "2", "实地查看"]),
            ])
        let all = try OfficeFixtures.convert(table, group: "g4")
        #expect(
            all.diagnostics.map { $0.rendered() } == [
                #"t.xlsx:S!A3: error: a second 项目 "宣传教育" starts here; a catalogue file holds one 项目 [import.several-categories]"# + "\n    note: import one at a time with --category NAME (and --code)"
            ])
        let one = try OfficeFixtures.convert(table, category: "宣传教育", group: "g4")
        #expect(one.diagnostics.isEmpty)
        #expect(String(decoding: try #require(one.xml), as: UTF8.self).contains(#"name="宣传栏" points="2" method="site-visit""#))
    }

    @Test func withoutAGroupTheIndicatorIsRefused() throws {
        let table = ImportTable(file: "t.xlsx", sheet: "S", rows: [row(1, ["项目", "指标名称", "评估标准", "分值", "测评方式"]), row(2, ["组织保障", "例会", "每月一次", "3", "查阅台账"])])
        #expect(try OfficeFixtures.convert(table).diagnostics.map(\.id) == ["import.no-group"])
    }

    /// The catalogue sheet `export` writes reads back into the same category: export 01, import
    /// it over 01-organisation.xml in a scratch copy, and the workspace still validates.
    @Test func anExportedCategoryImportsBackAndValidates() throws {
        let workspace = try #require(OfficeFixtures.workspace)
        var catalogue = workspace.catalogue
        catalogue.categories = [catalogue.categories[0]]
        let folder = try TemporaryDirectory("roundtrip")
        try WorkbookWriter.write([ExportTables.catalogue(catalogue, street: workspace.street)], to: folder.path + "/01.xlsx", created: Date(timeIntervalSince1970: 0))
        let (table, _) = XLSXReader.read(file: folder.path + "/01.xlsx")
        let result = try OfficeFixtures.convert(try #require(table), code: "01")
        #expect(result.diagnostics.isEmpty)
        #expect(result.items == catalogue.categories[0].items.count)
        let check = ImportedCatalogueCheck.check(
            try #require(result.xml), relative: "catalogue/01-organisation.xml", workspace: Repository.root, displayPath: folder.path + "/01-organisation.xml")
        #expect(check.isIncluded)
        #expect(!check.diagnostics.hasErrors, "\(check.diagnostics.map { $0.rendered() })")
    }

    private func row(_ number: Int, _ values: [String]) -> ImportTable.Row {
        ImportTable.Row(
            number: number,
            cells: Dictionary(
                uniqueKeysWithValues: values.enumerated().map { index, value in
                    (index, ImportTable.Cell(value: value, location: SourceLocation(file: "t.xlsx:S!\(ImportTable.columnName(index))\(number)")))
                }))
    }
}
