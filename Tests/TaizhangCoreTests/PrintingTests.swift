import Foundation
import TaizhangTestSupport
import Testing

@testable import TaizhangCore

/// The default workspace, its plan and templates, and a page renderer over them.
struct DefaultWorkspace {
    let workspace: Workspace
    let plan: PackPlan
    let templates: TemplateSet
    let renderer: PageRenderer

    init() throws {
        workspace = try #require(WorkspaceLoader(root: Paths.repository).load().validWorkspace)
        plan = PackPlanner(workspace: workspace).plan()
        templates = try TemplateSet(directory: Paths.repository + "/templates", required: PackPrinter.requiredTemplates)
        renderer = PageRenderer(workspace: workspace, templates: templates, statuses: nil)
    }

    func unit(_ id: String) throws -> UnitPlan { try #require(plan.unit(id: id)) }

    func html(_ template: String, _ model: Any) throws -> String {
        String(decoding: try templates.render(template, model), as: UTF8.self)
    }
}

@Suite struct OfficialPageTests {
    @Test func unitsAreNamedInFullWithoutRepeatingTheStreet() throws {
        let d = try DefaultWorkspace()
        #expect(PrintText.fullUnitName(street: d.workspace.street, unit: try d.unit("wutongshan")) == "罗湖区 · 东湖街道 · 梧桐山社区")
        #expect(PrintText.fullUnitName(street: d.workspace.street, unit: try d.unit("street")) == "罗湖区 · 东湖街道计生科")
        let spines = try d.html("spine-labels", d.renderer.spinePage(try d.unit("street")))
        #expect(!spines.contains("东湖街道东湖街道"))
        #expect(spines.contains("罗湖区东湖街道计生科") && spines.contains("2014年度人口计生目标管理责任制考核台账<"))
        #expect(spines.contains("1/7") && spines.contains("--spine-width: 40mm"))
    }

    @Test func coversSayWhoseWhichYearAndWhichBoxWithoutGroupsOrMachineNotes() throws {
        let d = try DefaultWorkspace()
        let unit = try d.unit("wutongshan")
        let cover = try d.html("cover", d.renderer.coverPage(unit, unit.binders[2]))
        #expect(cover.contains("罗湖区 · 东湖街道 · 梧桐山社区"))
        #expect(cover.contains("第 3 盒　共 7 盒"))
        #expect(cover.contains("2014年度人口计生目标管理责任制考核台账<"))  // not …台账目录
        for line in ["归档日期", "归档人", "审核人", "考核年度"] { #expect(cover.contains(line)) }
        for remark in ["责任组", "由台账系统生成", "请勿手工修改", "第一组", "组）"] { #expect(!cover.contains(remark), "\(remark)") }
    }

    @Test func theCatalogueIsTheStandardTableNumberedWithoutGaps() throws {
        let d = try DefaultWorkspace()
        let unit = try d.unit("wutongshan")
        for binder in unit.binders {
            let page = d.renderer.cataloguePage(unit, binder)
            #expect(page.entries.map(\.number) == Array(1...binder.items.count))
            let html = try d.html("catalogue", page)
            #expect(html.contains("<tr><th>序号</th><th>文件名称</th><th>份数</th><th>页码</th><th>备注</th></tr>"))
            #expect(!html.contains("一小时") && !html.contains("class=\"footer\""))
        }
    }

    /// Nothing internal on a page that is filed: no （seed） notes, no keywords row, no machine
    /// notes or command lines; all of it is on the internal checklist instead.
    @Test func filedPagesCarryNoWorkingRemarks() throws {
        let d = try DefaultWorkspace()
        var seedNotes = 0
        for unit in d.plan.units {
            for binder in unit.binders {
                var pages = [try d.html("cover", d.renderer.coverPage(unit, binder)), try d.html("catalogue", d.renderer.cataloguePage(unit, binder))]
                for item in binder.items {
                    pages.append(try d.html("item-sheet", d.renderer.itemSheetPage(unit, binder, item)))
                    if item.item.note?.contains("（seed）") == true { seedNotes += 1 }
                }
                for page in pages {
                    for word in ["seed", "sample", "taizhang ", "文件名关键词", "台账系统生成"] { #expect(!page.contains(word), "\(word)") }
                }
            }
            let spines = try d.html("spine-labels", d.renderer.spinePage(unit))
            #expect(!spines.contains("seed") && !spines.contains("sample"))
        }
        #expect(seedNotes > 0)
        let checklist = try d.html("checklist", d.renderer.checklistPage(try d.unit("street")))
        #expect(checklist.contains("内部") && checklist.contains("关键词：") && checklist.contains("（seed）"))
    }

    @Test func aNoteIsPrintedUnlessItIsAWorkingRemark() {
        #expect(PrintText.officialNote("按月装订") == "按月装订")
        #expect(PrintText.officialNote("全年培训近10次（seed）。") == nil)
        #expect(PrintText.officialNote("") == nil)
    }
}

@Suite struct PrintAssemblyTests {
    @Test func pagesAreJoinedWithTheirStylesOnceAndAPageBreakBetween() {
        let a = Array("<html><head><style>x{}</style><style>a{}</style></head><body class=\"p\">\n<p>一</p>\n</body></html>".utf8)
        let b = Array("<html><head><style>x{}</style><style>b{}</style></head><body>\n<p>二</p>\n</body></html>".utf8)
        let html = String(decoding: PrintAssembler.combine([a, b], title: "甲<乙"), as: UTF8.self)
        #expect(html.components(separatedBy: "<style>x{}</style>").count == 2)
        #expect(html.contains("<style>a{}</style>") && html.contains("<style>b{}</style>"))
        #expect(html.components(separatedBy: "<div class=\"print-page\">").count == 3)
        #expect(html.contains(".print-page + .print-page { break-before: page;"))
        #expect(html.contains("<title>甲&lt;乙</title>"))
        let one = html.range(of: "<p>一</p>")?.lowerBound ?? html.endIndex, two = html.range(of: "<p>二</p>")?.lowerBound ?? html.startIndex
        #expect(one < two)
    }

    @Test func thePDFReaderCountsPagesAndTheirSize() {
        let pdf =
            "%PDF-1.4\n1 0 obj\n<</Type /Pages /Kids [2 0 R 3 0 R] /Count 2>>\nendobj\n2 0 obj\n<</Type /Page /Parent 1 0 R /MediaBox [0 0 594.95996 841.91998]>>\nendobj\n3 0 obj\n<</Type /Page /Parent 1 0 R /MediaBox [0 0 612 792]>>\nendobj\n"
        let info = PDFInfo(Data(pdf.utf8))
        #expect(info.pages.count == 2)
        #expect(info.pages[0].width == 594.95996 && info.pages[1].height == 792)
        #expect(!info.isA4)  // the letter-size page
        #expect(PDFInfo(Data(pdf.replacingOccurrences(of: "612 792", with: "595.28 841.89").utf8)).isA4)
    }

    @Test func theSectionDocumentsFollowTheBinderOrderAndKeepInternalPagesApart() throws {
        let d = try DefaultWorkspace()
        let printer = PackPrinter(workspace: d.workspace, templates: d.templates, plan: d.plan)
        let unit = try d.unit("wutongshan")
        let documents = try printer.documents(units: [unit], parts: Set(PackPrinter.Part.allCases), finder: Finder(plan: d.plan, scanned: []))
        #expect(documents.map(\.name) == ["01 梧桐山社区.pdf", "01 梧桐山社区 准备清单（内部）.pdf", "01 梧桐山社区 速查表.pdf", "脊条.pdf"])
        let section = String(decoding: documents[0].html, as: UTF8.self)
        // Each binder: cover, 目录, then its item sheets; the checklist never in the section.
        #expect(section.components(separatedBy: "<div class=\"print-page\">").count - 1 == unit.binders.count * 2 + unit.items.count)
        #expect(!section.contains("准备清单"))
        let titles = unit.binders.map { "<div class=\"category\">\($0.category.name)</div>" }
        let positions = titles.compactMap { section.range(of: $0)?.lowerBound }
        #expect(positions.count == titles.count && positions == positions.sorted())
    }
}

/// Real PDFs through headless Chromium: skipped, with a notice, where it is not installed.
@Suite struct ChromiumPrintTests {
    static let chromium = Chromium.find()

    func pdf(_ html: [UInt8]) throws -> PDFInfo {
        let chromium = try #require(Self.chromium)
        let dir = try TemporaryDirectory("print")
        let path = try PDFWriter(folder: dir.path, chromium: chromium).print(html, as: "t.pdf")
        return PDFInfo(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func skip() -> Bool {
        guard Self.chromium == nil else { return false }
        print("notice: Chromium is not installed; skipping the PDF page-count test (apt-get install chromium fonts-noto-cjk)")
        return true
    }

    /// The longest binder of the default workspace: its 目录 fits one A4 page.
    @Test func theLongestCatalogueFitsOneA4Page() throws {
        guard !skip() else { return }
        let d = try DefaultWorkspace()
        let (unit, binder) = try #require(
            d.plan.units.flatMap { unit in unit.binders.map { (unit, $0) } }.max { $0.1.items.count < $1.1.items.count })
        #expect(binder.items.count >= 10)
        let info = try pdf(try d.templates.render("catalogue", d.renderer.cataloguePage(unit, binder)))
        #expect(info.pages.count == 1)
        #expect(info.isA4)
    }

    /// One section's covers and 目录 as `print` makes them: two A4 pages per binder.
    @Test func aPrintedSectionHasTwoA4PagesPerBinder() throws {
        guard !skip() else { return }
        let d = try DefaultWorkspace()
        let unit = try d.unit("wutongshan")
        let documents = try PackPrinter(workspace: d.workspace, templates: d.templates, plan: d.plan)
            .documents(units: [unit], parts: [.covers, .catalogues])
        let info = try pdf(try #require(documents.first).html)
        #expect(info.pages.count == unit.binders.count * 2)
        #expect(info.isA4)
    }
}

@Suite struct FinderTests {
    @Test func findingAMeetingRecordAnswersInOneLook() throws {
        let d = try DefaultWorkspace()
        let scanned = [Finder.ScannedFile(unit: "wutongshan", item: "03.02", path: "01 梧桐山社区/03 制度建设/03.02 社区计生例会记录/2014年3月例会记录.pdf")]
        let finder = Finder(plan: d.plan, scanned: scanned)
        let all = finder.find(["例会"])
        #expect(all.count == d.plan.units.count)  // the street's 03.01 and every community's 03.02
        let hits = finder.find(["例会"], units: ["wutongshan"])
        let hit = try #require(hits.first)
        #expect(hits.count == 1)
        #expect(hit.boxNumber == 3 && hit.boxCount == 7 && hit.itemCode == "03.02" && hit.folder == "03 制度建设/03.02 社区计生例会记录")
        #expect(hit.documents == [Finder.Document(position: 1, title: "社区计生工作例会记录", quantity: 12)])
        #expect(hit.files == ["2014年3月例会记录.pdf"])
        #expect(finder.find(["例会", "2014年3月"], units: ["wutongshan"]).count == 1)  // every word, file names too
        #expect(finder.find(["例会", "不存在的词"]).isEmpty)
    }

    @Test func keywordsSortByPinyinUnderTheirInitials() throws {
        #expect(PinyinOrder.sorted(["组织", "例会", "宣传", "办事", "计生"]) == ["办事", "计生", "例会", "宣传", "组织"])
        #expect(["办事", "例会", "组织", "Excel", "2014"].map(PinyinOrder.letter) == ["B", "L", "Z", "E", "#"])
        let d = try DefaultWorkspace()
        let page = d.renderer.finderPage(try d.unit("wutongshan"), finder: Finder(plan: d.plan, scanned: []))
        let letters = page.letters.map(\.letter)
        #expect(letters == letters.sorted() && Set(letters).count == letters.count)
        let meeting = try #require(page.letters.first { $0.letter == "L" }?.entries.first { $0.keyword == "例会" })
        #expect(meeting.places.map { "\($0.box) \($0.code)" } == ["第3盒 03.02"])
    }
}
