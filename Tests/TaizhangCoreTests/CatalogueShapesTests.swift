import Foundation
import TaizhangDiagnostics
import TaizhangTestSupport
import Testing

@testable import TaizhangCore

/// Real catalogue shapes (issue 13): a village 表卡册牌 list, a township 一牌三册 list, item
/// kinds kept in place, levels, unit terms, quantities per unit and periodic variants.
@Suite struct CatalogueShapesTests {
    static let village = Paths.fixtures + "/village"
    static let township = Paths.fixtures + "/township"

    /// Every generated file of a pack, relative path → text (HTML and XML only).
    static func pages(_ root: String) throws -> [String: String] {
        var pages: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".html") || relative.hasSuffix(".xml") else { continue }
            pages[relative] = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
        }
        return pages
    }

    struct Statuses: ItemStatusSource {
        var records: [String: ItemStatusInfo]
        func status(unit: String, item: String) -> ItemStatusInfo? { records["\(unit)/\(item)"] }
    }

    // MARK: Village 表卡册牌

    @Test func theVillageListLoadsCleanly() throws {
        let result = load(Self.village)
        #expect(rendered(result.diagnostics, root: Self.village).isEmpty)
        let workspace = try #require(result.validWorkspace)
        #expect(workspace.street.terms == UnitTerms(upper: "镇", lower: "村"))
        #expect(workspace.catalogue.allItems.map(\.kind.chinese) == ["册", "册", "卡", "上墙", "牌", "表", "文件"])
        // Levels are inherited from the catalogue down to the items.
        #expect(workspace.catalogue.categories.allSatisfy { $0.level == .community })
        #expect(workspace.catalogue.allItems.allSatisfy { $0.level == .community })
    }

    @Test func quantitiesComeFromUnitAttributesAndOverrides() throws {
        let fixture = try PackFixture(Self.village)
        let plan = PackPlanner(workspace: fixture.workspace).plan()
        // A community-level list: the town office holds nothing and gets no section.
        #expect(plan.units.map(\.id) == ["shangcun", "xiacun"])
        func quantity(_ unit: String, _ item: String) -> Int? {
            plan.unit(id: unit)?.items.first { $0.item.code == item }?.item.documents.first?.quantity
        }
        #expect(quantity("shangcun", "01.01") == 3)  // villagerGroups = 3
        #expect(quantity("xiacun", "01.01") == 2)  // villagerGroups = 2
        #expect(quantity("shangcun", "01.02") == 1)
        #expect(quantity("xiacun", "01.02") == 2)  // <quantity item="01.02" value="2"/>
        // Five named reports a month for twelve months.
        #expect(plan.unit(id: "shangcun")?.items.first { $0.item.code == "03.01" }?.item.expectedCount == 60)
    }

    @Test func aQuantityOfZeroLeavesTheItemOutOfThatUnit() throws {
        let fixture = try PackFixture(Self.village)
        var community = try #require(fixture.workspace.street.community("shangcun"))
        community.values = [.init(name: "villagerGroups", value: "0", location: community.location)]
        let planner = PackPlanner(workspace: fixture.workspace)
        let item = try #require(fixture.workspace.catalogue.allItems.first { $0.code == "01.01" })
        #expect(planner.resolved(item, in: community) == nil)
        #expect(planner.resolved(item, in: nil)?.documents.first?.quantity == 1)  // the street: the attribute's default
    }

    @Test func boardsAndRegistersGetNoCoverNoSpineAndAreListedForTheLedgerRoom() throws {
        let fixture = try PackFixture(Self.village)
        let statuses = Statuses(records: [
            "shangcun/02.02": ItemStatusInfo(status: .ticked, by: "乙专干", at: "2014-11-20 09:30", note: "村委会一楼服务室门口"),
            "shangcun/01.01": ItemStatusInfo(status: .ticked, by: "乙专干", at: "2014-11-20 09:35"),
        ])
        let result = fixture.generate(statuses: statuses)
        #expect(result.diagnostics.isEmpty)
        let unit = fixture.output.path + "/青山镇-2014/01 上村"
        let manager = FileManager.default
        // Binders holding only items kept in place have no folder at all.
        #expect(!manager.fileExists(atPath: unit + "/01 登记册"))
        #expect(!manager.fileExists(atPath: unit + "/02 上墙制度"))
        #expect(manager.fileExists(atPath: unit + "/03 报表/" + GeneratedName.cover))
        #expect(manager.fileExists(atPath: unit + "/03 报表/03.01 计生统计月报/" + GeneratedName.itemSheet))
        // Boxes are counted on the shelf: 03 报表 is the only one.
        let cover = try String(contentsOfFile: unit + "/03 报表/" + GeneratedName.cover, encoding: .utf8)
        #expect(cover.contains("第 1 盒　共 1 盒"))
        let finder = Finder(plan: result.plan, scanned: [])
        #expect(finder.find(["计生服务室牌"]).isEmpty)  // kept in place: on the list, in no box
        #expect(finder.find(["月报"], units: ["shangcun"]).map { "\($0.boxNumber)/\($0.boxCount)" } == ["1/1"])
        let spine = try String(contentsOfFile: unit + "/" + GeneratedName.spineLabels, encoding: .utf8)
        #expect(spine.contains("报表") && !spine.contains("登记册") && !spine.contains("上墙制度"))

        let list = try String(contentsOfFile: unit + "/" + GeneratedName.inPlaceList, encoding: .utf8)
        for title in ["全员人口登记册", "药具发放登记册", "育龄妇女服务卡", "村人口计生情况一览表", "计生服务室牌"] {
            #expect(list.contains(title), "\(title) is not on the 上墙及实物清单")
        }
        #expect(list.contains("村委会一楼服务室门口") && list.contains("已确认 2/5"))

        let index = try String(contentsOfFile: unit + "/" + GeneratedName.index, encoding: .utf8)
        #expect(index.contains(#"href="\#(PageFormat.href([GeneratedName.inPlaceList]))">上墙及实物清单"#))
        // Kept in place: never 缺失 for lack of a file, never "已勾选但无文件".
        #expect(!index.contains("已勾选但无文件"))
        #expect(index.contains("待确认"))
        #expect(index.contains("已确认但未注明存放位置"))  // 01.01 ticked without saying where
        // Every link of the unit index leads somewhere: items kept in place link to the list, not to a folder.
        let links = index.components(separatedBy: #"href=""#).dropFirst().compactMap { $0.prefix { $0 != "\"" }.removingPercentEncoding }
        #expect(links.count > 10)
        for link in links {
            #expect(manager.fileExists(atPath: unit + "/" + link), "broken link \(link)")
        }
        let xml = try String(contentsOfFile: unit + "/" + GeneratedName.indexXML, encoding: .utf8)
        #expect(xml.contains(#"code="02.02" title="计生服务室牌" expected="1" present="0" state="complete" kind="牌""#))
        #expect(xml.contains(#"code="02.01" title="村人口计生情况一览表" expected="1" present="0" state="unconfirmed" kind="上墙""#))
    }

    @Test func aTownshipSeesItsOwnTermsAndNeverSheQu() throws {
        for root in [Self.village, Self.township] {
            let fixture = try PackFixture(root)
            fixture.generate()
            let pages = try Self.pages(fixture.output.path)
            #expect(!pages.isEmpty)
            for (path, text) in pages {
                #expect(!text.contains("社区"), "\(path) says 社区")
                #expect(!text.contains("街道"), "\(path) says 街道")
            }
        }
    }

    /// The township office's own walkthrough rehearsal speaks its terms too.
    @Test func theTownshipOfficeWalkthroughNeverSaysSheQu() throws {
        let fixture = try PackFixture(Self.township)
        let unit = try #require(PackPlanner(workspace: fixture.workspace).plan().unit(id: "street"))
        let (data, problems) = WalkthroughData.load(workspace: Self.township, community: "street")
        #expect(problems.isEmpty)
        let builder = WalkthroughBuilder(workspace: fixture.workspace, unit: unit, data: try #require(data), present: [:], statuses: nil)
        let text = String(decoding: try builder.render(.init(seed: 1), templates: fixture.templates), as: UTF8.self)
        #expect(text.contains("白云乡计生办"))
        #expect(!text.contains("社区") && !text.contains("街道"))
    }

    // MARK: Township 一牌三册

    @Test func aStreetLevelListGivesTheVillagesNoSection() throws {
        let fixture = try PackFixture(Self.township)
        let result = fixture.generate()
        #expect(result.diagnostics.isEmpty)
        #expect(result.plan.units.map(\.id) == ["street"])
        let pack = fixture.output.path + "/白云乡-2014"
        let sections = try FileManager.default.contentsOfDirectory(atPath: pack).filter { !$0.hasSuffix(".html") && !$0.hasSuffix(".xml") && !$0.hasSuffix(".tsv") }
        #expect(sections == ["00 白云乡计生办"])
        let street = try String(contentsOfFile: pack + "/" + GeneratedName.index, encoding: .utf8)
        #expect(!street.contains("东村") && !street.contains("0/0"))
        let office = pack + "/00 白云乡计生办"
        #expect(!FileManager.default.fileExists(atPath: office + "/01 一牌三册"))
        #expect(FileManager.default.fileExists(atPath: office + "/02 基础资料/" + GeneratedName.cover))
        #expect(FileManager.default.fileExists(atPath: office + "/" + GeneratedName.inPlaceList))
    }

    /// A unit kept only for its figures holds nothing: its index says so instead of a green
    /// "全部台账资料已齐全" over 0/0.
    @Test func aUnitWithNothingToHoldNeverShowsAllComplete() throws {
        let fixture = try PackFixture(Self.township)
        let plan = PackPlanner(workspace: fixture.workspace).plan()
        var empty = try #require(plan.unit(id: "street"))
        empty.binders = []
        let renderer = PageRenderer(workspace: fixture.workspace, templates: fixture.templates, statuses: nil)
        let page = renderer.unitIndex(empty, inventory: UnitInventory(unit: empty, unitRoot: "/nonexistent", generated: GeneratedFiles(packRoot: "/nonexistent", journaled: [:])), orphans: [])
        let html = try fixture.templates.render("index-unit", page)
        let text = String(decoding: html, as: UTF8.self)
        #expect(text.contains("本单位无此类台账"))
        #expect(!text.contains("全部台账资料已齐全"))
    }

    // MARK: Counts agree

    /// 梧桐山 showed 60 missing in the street index where its own list had 59: an item marked
    /// 不适用 must count as nothing missing in both.
    @Test func theStreetIndexAndTheUnitIndexCountMissingItemsAlike() throws {
        let fixture = try PackFixture()
        let statuses = Statuses(records: [
            "east/01.03": ItemStatusInfo(status: .notApplicable, by: "乙主任", at: "2014-11-21 10:00", note: "无股份公司"),
            "east/02.01": ItemStatusInfo(status: .ticked, by: "乙主任", at: "2014-11-21 10:00"),
        ])
        fixture.generate(statuses: statuses)
        let street = try String(contentsOfFile: fixture.packRoot + "/index.xml", encoding: .utf8)
        let unit = try String(contentsOfFile: fixture.packRoot + "/01 东社区/index.xml", encoding: .utf8)
        let states = unit.components(separatedBy: #" state=""#).dropFirst().map { $0.prefix { $0 != "\"" } }
        let notSatisfied = states.filter { $0 != "complete" && $0 != "na" }.count
        #expect(states.contains("na"))
        let row = try #require(street.components(separatedBy: "<unit ").first { $0.contains(#"id="east""#) })
        func attribute(_ name: String) -> Int? {
            row.components(separatedBy: " \(name)=\"").dropFirst().first.flatMap { Int($0.prefix { $0 != "\"" }) }
        }
        let items = try #require(attribute("items")), complete = try #require(attribute("complete"))
        #expect(items - complete == notSatisfied)
        // The street index shows ticks beside documents, and the ticked item without files is flagged.
        let html = try String(contentsOfFile: fixture.packRoot + "/index.html", encoding: .utf8)
        #expect(html.contains("已确认") && html.contains("<td class=\"num\">2/"))
    }
}

@Suite struct ItemKindReadinessTests {
    func readiness(_ status: ItemStatus?, note: String? = nil, present: Int = 0, kind: ItemKind = .board) -> ItemReadiness {
        var item = LedgerItem(
            code: "01.01", title: "制度牌", categoryCode: "01", indicatorCode: "1.1", group: nil, hasOwnGroup: false, level: .both,
            folder: nil, documents: [ExpectedDocument(title: "制度牌", quantity: 1, period: .once, location: TaizhangDiagnostics.SourceLocation(file: "x"))],
            hints: [], note: nil, location: TaizhangDiagnostics.SourceLocation(file: "x"))
        item.kind = kind
        return ItemReadiness(item: item, present: present, status: status, note: note, failedMock: false)
    }

    @Test func itemsKeptInPlaceAreCompleteWhenConfirmedNotWhenFiled() {
        #expect(readiness(nil).completeness == .unconfirmed)
        #expect(readiness(.filed, present: 1).completeness == .unconfirmed)  // a photo alone confirms nothing
        #expect(readiness(.ticked, note: "二楼走廊").completeness == .complete)
        #expect(readiness(.verified, note: "二楼走廊").flags.isEmpty)
        #expect(readiness(.ticked).flags == [.noLocation])
        #expect(readiness(.ticked, note: "  ").flags == [.noLocation])
        #expect(readiness(.notApplicable).completeness == .notApplicable)
        #expect(!readiness(.ticked).flags.contains(.tickedWithoutFiles))
        #expect(Completeness.unconfirmed.chinese == "待确认" && !Completeness.unconfirmed.isSatisfied)
        #expect(readiness(nil).progress == (0, 1) && readiness(.ticked, note: "墙上").progress == (1, 1))
        // A form (表) is filed like a file.
        #expect(readiness(.ticked, kind: .register).flags == [.tickedWithoutFiles])
        #expect(ItemKind.allCases.filter(\.expectsFiles) == [.register, .file])
    }
}

@Suite struct PeriodicGapTests {
    let start = Day(year: 2013, month: 10, day: 1)!
    let end = Day(year: 2014, month: 9, day: 30)!

    func item(_ documents: [ExpectedDocument]) -> LedgerItem {
        LedgerItem(
            code: "03.01", title: "月报", categoryCode: "03", indicatorCode: "3.1", group: nil, hasOwnGroup: false, level: .both,
            folder: nil, documents: documents, hints: [], note: nil, location: TaizhangDiagnostics.SourceLocation(file: "x"))
    }

    func document(quantity: Int, period: ExpectedDocument.Period, variants: [String] = [], dueDay: Int? = nil) -> ExpectedDocument {
        var document = ExpectedDocument(title: "月报", quantity: quantity, period: period, location: TaizhangDiagnostics.SourceLocation(file: "x"))
        document.variants = variants
        document.dueDay = dueDay
        return document
    }

    @Test func variantsAreCheckedPerMonthAndNamed() {
        let monthly = item([document(quantity: 12, period: .monthly, variants: ["出生统计月报", "药具月报"], dueDay: 10)])
        #expect(monthly.expectedCount == 24)
        var names: [String] = []
        for month in PeriodCoverage.months(from: start, to: end) {
            names.append("\(month.year)年\(month.month)月出生统计月报.xls")
            if month.month != 3 { names.append("\(month.year)年\(month.month)月药具月报.xls") }
        }
        #expect(PeriodicGap.missingText(monthly, fileNames: names, start: start, end: end) == "2014年3月 药具月报")
        let gap = PeriodicGap.gaps(monthly, fileNames: names, start: start, end: end)
        #expect(gap.map(\.due) == [Day(year: 2014, month: 4, day: 10)])
        #expect(PeriodicGap.overdue(monthly, fileNames: names, start: start, end: end, today: Day(year: 2014, month: 4, day: 10)!).isEmpty)
        #expect(PeriodicGap.overdue(monthly, fileNames: names, start: start, end: end, today: Day(year: 2014, month: 4, day: 11)!).count == 1)
        // December's report is due on 10 January.
        let december = PeriodicGap.gaps(monthly, fileNames: names.filter { !$0.contains("2013年12月出生") }, start: start, end: end)
        #expect(december.first?.due == Day(year: 2014, month: 1, day: 10))
    }

    /// `scan` listed 12 missing months for an item expecting 4 monthly documents.
    @Test func onlyDocumentsExpectedEveryMonthListMonths() {
        let fourOfTwelve = item([document(quantity: 4, period: .monthly)])
        #expect(PeriodicGap.gaps(fourOfTwelve, fileNames: ["2014年1月考勤.xls"], start: start, end: end).isEmpty)
        let quarterly = item([document(quantity: 4, period: .quarterly)])
        #expect(PeriodicGap.gaps(quarterly, fileNames: ["2014年1月会议纪要.doc"], start: start, end: end).isEmpty)
        let twelve = item([document(quantity: 12, period: .monthly)])
        #expect(PeriodicGap.gaps(twelve, fileNames: ["2014年1月月报.xls"], start: start, end: end).count == 11)
        #expect(PeriodicGap.missingText(twelve, fileNames: [], start: start, end: end) == nil)
    }
}
