import Foundation
import TaizhangDiagnostics
import TaizhangTestSupport
import Testing

@testable import TaizhangCore

@Suite struct CSVTests {
    func table(_ bytes: [UInt8]) throws -> (CSVTable?, [Diagnostic]) {
        let dir = try TemporaryDirectory("csv")
        let path = dir.path + "/t.csv"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return CSVTable.read(file: path)
    }

    @Test func readsQuotedFieldsWithPositions() throws {
        let (t, d) = try table(Array("户号,地址,说明\r\nA-1,\"示例路1号, 301\",\"他说\"\"你好\"\"\"\r\n\r\nA-2,\"两行\n地址\",x\n".utf8))
        #expect(d.isEmpty)
        let rows = try #require(t).rows
        #expect(rows.map { $0.fields.map(\.value) } == [["A-1", "示例路1号, 301", "他说\"你好\""], ["A-2", "两行\n地址", "x"]])
        #expect(rows[0].line == 2 && rows[1].line == 4)
        #expect(rows[1].fields[2] == CSVTable.Field(value: "x", line: 5, column: 5))
    }

    @Test func acceptsUTF8WithBOMAndGB18030() throws {
        let text = "户号,户主\nA-1,陈某甲\n"
        let bom = try table([0xEF, 0xBB, 0xBF] + Array(text.utf8))
        #expect(bom.0?.encoding == .utf8BOM)
        #expect(bom.0?.header.fields.first?.value == "户号")
        // 户号,户主 / A-1,陈某甲 in GB18030, as Excel on Chinese Windows saves it.
        let gb: [UInt8] = [0xBB, 0xA7, 0xBA, 0xC5, 0x2C, 0xBB, 0xA7, 0xD6, 0xF7, 0x0A, 0x41, 0x2D, 0x31, 0x2C, 0xB3, 0xC2, 0xC4, 0xB3, 0xBC, 0xD7, 0x0A]
        let decoded = try table(gb)
        #expect(decoded.0?.encoding == .gb18030)
        #expect(decoded.0?.rows.first?.fields.map(\.value) == ["A-1", "陈某甲"])
    }

    @Test func anUnclosedQuoteIsReported() throws {
        let (_, d) = try table(Array("a,b\n1,\"open\n".utf8))
        #expect(d.map { $0.rendered(relativeTo: nil).split(separator: "/").last.map(String.init) ?? "" } == ["t.csv:2:3: error: a quoted field is never closed [csv.quote]"])
    }
}

@Suite struct WalkthroughDataTests {
    /// Each folder under Fixtures/walkthrough holds households.csv, route.csv and expected.txt.
    static let cases: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: Paths.fixtures + "/walkthrough")) ?? []).sorted()

    @Test(arguments: cases)
    func badInputGivesLineNumberedDiagnostics(_ name: String) throws {
        let ws = try TemporaryDirectory("wt")
        try ws.overlay(Paths.fixtures + "/walkthrough/" + name)
        let folder = ws.path + "/walkthrough/east"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for file in ["households.csv", "route.csv"] where FileManager.default.fileExists(atPath: ws.path + "/" + file) {
            try FileManager.default.moveItem(atPath: ws.path + "/" + file, toPath: folder + "/" + file)
        }
        let expected = try String(contentsOfFile: ws.path + "/expected.txt", encoding: .utf8).split(separator: "\n").map(String.init)
        let (_, diagnostics) = WalkthroughData.load(workspace: ws.path, community: "east")
        #expect(rendered(diagnostics, root: ws.path) == expected)
    }

    @Test func theShippedSampleDataIsValidForEveryCommunity() throws {
        let workspace = try #require(WorkspaceLoader(root: Paths.repository).load().validWorkspace)
        for community in workspace.street.communities {
            let (data, diagnostics) = WalkthroughData.load(workspace: Paths.repository, community: community.id)
            #expect(diagnostics.isEmpty, "\(community.id): \(rendered(diagnostics, root: Paths.repository))")
            #expect((data?.households.count ?? 0) >= 10)
            #expect(data?.route.first?.kind == .ledgerRoom)
        }
    }
}

@Suite struct SamplerTests {
    @Test func theSameSeedDrawsTheSameSample() {
        var a = SpotCheckSampler(seed: 7), b = SpotCheckSampler(seed: 7), c = SpotCheckSampler(seed: 8)
        let items = Array(1...50)
        let first = a.sample(items, count: 10) { $0 % 5 + 1 }
        #expect(first == b.sample(items, count: 10) { $0 % 5 + 1 })
        #expect(first != c.sample(items, count: 10) { $0 % 5 + 1 })
        #expect(Set(first).count == 10)
    }

    @Test func weightsPullTheSampleTowardsHeavyElements() {
        var sampler = SpotCheckSampler(seed: 1)
        var heavy = 0
        for _ in 0..<2000 where sampler.sample([0, 1], count: 1, weight: { $0 == 1 ? 4 : 1 }).first == 1 { heavy += 1 }
        #expect((1500...1700).contains(heavy))  // expected 1600 of 2000
        #expect(sampler.sample([1, 2, 3], count: 5) { _ in 1 }.count == 3)
        #expect(sampler.sample([1, 2, 3], count: 2) { _ in 0 }.isEmpty)
    }

    @Test func theGeneratorSequenceIsFixed() {
        var g = SeededGenerator(seed: 42)
        #expect([g.next(), g.next()] == [13_679_457_532_755_275_413, 2_949_826_092_126_892_291])
    }
}

@Suite struct WalkthroughSheetTests {
    func sheet(seed: UInt64, community: String = "wutongshan", edit: (inout Workspace) -> Void = { _ in }) throws -> String {
        var workspace = try #require(WorkspaceLoader(root: Paths.repository).load().validWorkspace)
        edit(&workspace)
        let unit = try #require(PackPlanner(workspace: workspace).plan().unit(id: community))
        let (data, _) = WalkthroughData.load(workspace: Paths.repository, community: community)
        let templates = try TemplateSet(directory: Paths.repository + "/templates", required: PackGenerator.walkthroughTemplates)
        let builder = WalkthroughBuilder(workspace: workspace, unit: unit, data: try #require(data), present: [:], statuses: nil)
        return String(decoding: try builder.render(.init(seed: seed, households: 5, documents: 8), templates: templates), as: UTF8.self)
    }

    @Test func theSameSeedGivesTheSameSheet() throws {
        let a = try sheet(seed: 2014)
        #expect(a == (try sheet(seed: 2014)))
        #expect(a != (try sheet(seed: 2015)))
    }

    @Test func theSheetHasEverySectionInOrderWithTheAnswerKeyOnItsOwnPage() throws {
        let html = try sheet(seed: 99)
        let markers = [
            "内部资料", "第一陪调", "抽样种子", "99", "一、陪调路线", "台账室", "要求出示", "入户路线",
            "二、随机抽查户", "三、第一陪调问答", "四、陪调应急预案", "五、评分表", "六、签字",
            "陪调卡", "联系电话", "<div class=\"page-break\"></div>\n<div class=\"confidential\">内部资料 · 检查组留存</div>\n<h2>答案页",
        ]
        var cursor = html.startIndex
        for marker in markers {
            let found = html.range(of: marker, range: cursor..<html.endIndex)
            #expect(found != nil, "missing or out of order: \(marker)")
            if let found { cursor = found.upperBound }
        }
        #expect(html.components(separatedBy: "class=\"page-break\"").count - 1 == 4)
        // Each question appears twice: blank for the escort, answered on the key page.
        let question = try #require(html.range(of: "<tr><td class=\"num\">1</td><td>").map { html[$0.upperBound...].prefix { $0 != "<" } })
        #expect(!question.isEmpty)
        #expect(html.components(separatedBy: String(question)).count - 1 == 2)
        // No command line on a printed page.
        #expect(!html.contains("taizhang walkthrough"))
    }

    @Test func theScoringTableTotalsTheCatalogueAndShowsEveryRuleInWords() throws {
        let html = try sheet(seed: 7)
        let table = String(try #require(html.range(of: "五、评分表").map { html[$0.upperBound...] }))
        let rows = table.components(separatedBy: "<tr><td class=\"code\">").dropFirst()
        // Every indicator of the 100-point catalogue, street-only ones marked, so the total is the catalogue's.
        #expect(rows.count == 28)
        let points = rows.compactMap { row in row.components(separatedBy: "<td class=\"num\">").dropFirst().first?.prefix { $0 != "<" } }
        #expect(points.compactMap { Decimal2(String($0)) }.reduce(Decimal2.zero, +) == Decimal2("100"))
        #expect(table.contains("<tr><th colspan=\"2\">合计</th><th class=\"num\">100</th><th></th>"))
        #expect(table.contains("01.06 每缺1份资料扣0.5分；01.07 每缺1项台账扣1分；扣完为止；一票否决"))
        #expect(table.contains("街道考核，本单位无台账"))
        #expect(!table.contains("0 分"))
    }

    /// The escort and the check team come from the schema's roles, not from job titles or
    /// group names that happen to contain 陪调 or 督导.
    @Test func escortAndCheckTeamComeFromRoles() throws {
        let html = try sheet(seed: 1) { workspace in
            for i in workspace.street.people.indices where workspace.street.people[i].id == "p14" {
                workspace.street.people[i].role = "联络员"
            }
            for i in workspace.street.groups.indices {
                workspace.street.groups[i].name = "第\(i)组"
                workspace.street.groups[i].role = workspace.street.groups[i].id == "g5" ? .checkTeam : nil
            }
        }
        #expect(html.contains("罗志强（联络员）"))  // p14, roles="first-escort"
        #expect(html.contains("郑伟、赵丽、孙浩"))  // g5: lead p07, members p11, p12
        #expect(!html.contains("陈丽华、郑伟、刘敏"))  // g3 (lead p04) is no longer the check team
    }
}

@Suite struct WalkthroughFixTests {
    func page(seed: UInt64, households: Int = 5) throws -> WalkthroughPage {
        let workspace = try #require(WorkspaceLoader(root: Paths.repository).load().validWorkspace)
        let unit = try #require(PackPlanner(workspace: workspace).plan().unit(id: "wutongshan"))
        let (data, _) = WalkthroughData.load(workspace: Paths.repository, community: "wutongshan")
        let builder = WalkthroughBuilder(workspace: workspace, unit: unit, data: try #require(data), present: [:], statuses: nil)
        return builder.page(.init(seed: seed, households: households, documents: 8))
    }

    /// No question names what another question asks for (once, Q4 named the head of a
    /// household whose head Q2 asked for). Checked over many seeds.
    @Test func noQuizAnswerLeaksIntoAnotherQuestion() throws {
        let categories = Set(Household.Category.allCases.map(\.rawValue))
        for seed in UInt64(1)...60 {
            let quiz = try page(seed: seed).quiz
            for (i, asked) in quiz.enumerated() {
                let parts = asked.answer.split(separator: "，").map(String.init).filter { $0.count >= 2 && !categories.contains($0) }
                for (j, other) in quiz.enumerated() where i != j {
                    for part in parts { #expect(!other.question.contains(part), "seed \(seed): Q\(j + 1) gives away Q\(i + 1)'s answer \(part)") }
                }
            }
        }
    }

    @Test func everySampledHouseholdHasABriefingEvenOffTheRoute() throws {
        var offRoute = 0
        for seed in UInt64(1)...20 {
            let page = try page(seed: seed, households: 8)
            for household in page.sampledHouseholds {
                #expect(!household.check.isEmpty && !household.facts.isEmpty)
                if !household.onRoute {
                    offRoute += 1
                    // …and a place in the escort's time plan and briefing.
                    #expect(page.escortCard.timePlan.contains { $0.stop.contains(household.id) })
                    #expect(page.escortCard.mustKnow.contains { $0.hasPrefix(household.id) })
                }
            }
        }
        #expect(offRoute > 0)
    }

    @Test func theEscortCardHasTheRouteTimesAndPhonesFromTheDefinitions() throws {
        let card = try page(seed: 42).escortCard
        #expect(card.timePlan.first?.time == "09:00–10:00")  // the ledger room first, an hour
        #expect(card.timePlan[1].time == "10:10–10:30")
        #expect(card.contacts.first.map { [$0.name, $0.role, $0.phone] } == ["罗志强", "第一陪调", "0755-0000-0114"])
        #expect(card.contacts.contains { $0.name == "杨春梅" && $0.phone == "0755-0000-0113" })
    }

    /// The 内部资料 stamp is in the flow of the page, never fixed over a table header.
    @Test func theStampIsNotFixedOverTheTable() throws {
        let template = try String(contentsOfFile: Paths.repository + "/templates/walkthrough.mustache", encoding: .utf8)
        let rule = try #require(template.range(of: ".confidential {").map { template[$0.upperBound...].prefix { $0 != "}" } })
        #expect(!rule.contains("position: fixed") && !rule.contains("position: absolute"))
    }
}
