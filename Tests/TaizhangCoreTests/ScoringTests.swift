import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangTestSupport
import Testing

/// The estimator's arithmetic, rule kind by rule kind, on the small workspace with category 02
/// replaced. Category 01 (20 points) stays: 1.1 (12, veto) and 1.2 (8, communities with an urban village).
/// The small workspace's master file with the given catalogue attributes and category files.
func master(_ attributes: String, includes: [String]) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <taizhang version="1" xmlns:xi="http://www.w3.org/2001/XInclude">
      <xi:include href="street.xml"/>
      <catalogue name="测试台账目录" \(attributes)>
    \(includes.map { "    <xi:include href=\"catalogue/\($0).xml\"/>" }.joined(separator: "\n"))
      </catalogue>
      <xi:include href="tasks.xml"/>
    </taizhang>
    """
}

@Suite struct ScoringTests {
    struct Loaded {
        let directory: TemporaryDirectory
        let workspace: Workspace
        let estimator: ScoreEstimator

        func score(_ unit: String, _ inputs: ScoreInputs) throws -> UnitScore {
            let plan = try #require(estimator.plan.unit(id: unit))
            return estimator.estimate(unit: plan, inputs)
        }

        func indicator(_ code: String, unit: String, _ inputs: ScoreInputs) throws -> IndicatorScore {
            try #require(try score(unit, inputs).indicators.first { $0.code == code })
        }
    }

    /// The small workspace with `category` as catalogue/02-data.xml (declared `points`).
    static func workspace(points: String, _ indicators: String, knownFigures: Set<String>? = nil) throws -> Loaded {
        let directory = try TemporaryDirectory("scoring")
        try directory.overlay(Paths.small)
        let total = (Decimal2(points) ?? .zero) + Decimal2(hundredths: 2000)
        try directory.write("checklists/taizhang.xml", master("totalPoints=\"\(total)\"", includes: ["01-org", "02-data"]))
        try directory.write(
            "checklists/catalogue/02-data.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <category code="02" name="数据管理" points="\(points)">
            \(indicators)
            </category>
            """)
        var loader = WorkspaceLoader(root: directory.path, schemaFile: Paths.schema)
        loader.knownFigures = knownFigures
        let result = loader.load()
        #expect(!result.diagnostics.hasErrors, "\(rendered(result.diagnostics, root: directory.path))")
        let workspace = try #require(result.validWorkspace)
        return Loaded(
            directory: directory, workspace: workspace,
            estimator: ScoreEstimator(plan: PackPlanner(workspace: workspace).plan(), catalogue: workspace.catalogue))
    }

    static func items(_ codes: ClosedRange<Int>) -> String {
        codes.map { String(format: "<item code=\"02.%02d\" title=\"机构%d\"><document title=\"文件%d\"/></item>", $0, $0, $0) }.joined(separator: "\n")
    }

    static let cases = """
        <indicator code="2.1" name="流动人口登记" points="6" method="household-check" level="community" group="g1">
          <standard>漏登一人扣0.2分。</standard>
          <deductPerCase amount="0.2" label="漏登"/>
          <item code="02.01" title="流动人口登记台账"><document title="登记台账"/></item>
        </indicator>
        """

    @Test func twoUnrecordedPeopleCostPointFourOfSix() throws {
        let w = try Self.workspace(points: "6", Self.cases)
        let inputs = ScoreInputs(items: [UnitItem(unit: "east", item: "02.01"): ItemEvidence(status: .ticked, cases: 2)])
        let score = try w.indicator("2.1", unit: "east", inputs)
        #expect(score.earned == Decimal2("5.6"))
        #expect("\(score.earned)/\(score.points)" == "5.6/6")
        let deduction = try #require(score.deductions.first)
        #expect(score.deductions.count == 1)
        #expect(deduction.amount == Decimal2("0.4"))
        #expect(deduction.item == "02.01")
        #expect(deduction.reason == "模拟检查发现漏登 2 例（每发现1例漏登扣0.2分）")
    }

    @Test func aFailedMockWithoutACountIsOneCase() throws {
        let w = try Self.workspace(points: "6", Self.cases)
        let inputs = ScoreInputs(items: [UnitItem(unit: "east", item: "02.01"): ItemEvidence(status: .ticked, flagged: true)])
        #expect(try w.indicator("2.1", unit: "east", inputs).earned == Decimal2("5.8"))
    }

    static let bodies = """
        <indicator code="2.1" name="领导机构" points="10" method="document-review" level="street" group="g1">
          <standard>缺一个机构扣0.5分。</standard>
          <deductPerMissing amount="0.5" per="item"/>
          \(items(1...8))
        </indicator>
        """

    @Test func sixOfEightBodiesPresentScoreNineOfTen() throws {
        let w = try Self.workspace(points: "10", Self.bodies)
        var evidence: [UnitItem: ItemEvidence] = [:]
        for n in 1...6 { evidence[UnitItem(unit: "street", item: String(format: "02.%02d", n))] = ItemEvidence(status: .filed, present: 1) }
        let score = try w.indicator("2.1", unit: "street", ScoreInputs(items: evidence))
        #expect("\(score.earned)/\(score.points)" == "9/10")
        #expect(score.deductions.map(\.item) == ["02.07", "02.08"])
        #expect(score.deductions.allSatisfy { $0.amount == Decimal2("0.5") && $0.missingDocuments == 1 })
    }

    @Test func deductionsStopAtThePointsUnlessTheRuleAllowsNegative() throws {
        let rule = """
            <indicator code="2.1" name="机构" points="2" method="document-review" level="street" group="g1">
              <standard>缺一个扣0.5分。</standard>
              <deductPerMissing amount="0.5" per="item"/>
              %CAP%
              \(Self.items(1...8))
            </indicator>
            """
        let capped = try Self.workspace(points: "2", rule.replacingOccurrences(of: "%CAP%", with: ""))
        let score = try capped.indicator("2.1", unit: "street", ScoreInputs())
        #expect(score.earned == .zero)
        #expect(score.capped)
        // Closing one gap recovers nothing while seven others still exhaust the points.
        #expect(score.deductions.allSatisfy { $0.lost == .zero })

        let negative = try Self.workspace(points: "2", rule.replacingOccurrences(of: "%CAP%", with: "<cap negative=\"true\"/>"))
        #expect(try negative.indicator("2.1", unit: "street", ScoreInputs()).earned == Decimal2("-2"))

        let three = try Self.workspace(points: "2", rule.replacingOccurrences(of: "%CAP%", with: "<cap max=\"1.5\"/>"))
        let limited = try three.indicator("2.1", unit: "street", ScoreInputs())
        #expect(limited.earned == Decimal2("0.5"))
        #expect(limited.rule == "每缺1项台账扣0.5分；最多扣1.5分")
        #expect(RuleText.describe(.perCase(amount: Decimal2(hundredths: 20), label: "漏登", item: "02.01", figure: nil)) == "02.01 每发现1例漏登扣0.2分")
    }

    struct Figures: FigureValueSource {
        let values: [String: Double]
        func value(of figure: String, unit: String) -> Double? { values[figure + "@" + unit] }
    }

    static func rate(_ rule: String) -> String {
        """
        <indicator code="2.1" name="符合政策生育率" points="10" method="system-check" level="street" group="g1">
          <standard>符合政策生育率≥95%，每低1个百分点扣1分。</standard>
          \(rule)
          <item code="02.01" title="出生统计"><document title="统计表"/></item>
        </indicator>
        """
    }

    @Test func aRateBelowTargetLosesPointsPerPercentagePoint() throws {
        let w = try Self.workspace(points: "10", Self.rate("<rate figure=\"policy-birth-rate\" target=\"95\" deductPerPoint=\"1\"/>"))
        let done = UnitItem(unit: "street", item: "02.01")
        let figures = Figures(values: ["policy-birth-rate@street": 92.59])
        let score = try w.indicator("2.1", unit: "street", ScoreInputs(items: [done: ItemEvidence(status: .ticked)], figures: figures))
        #expect(score.earned == Decimal2("7.59"))
        #expect(score.deductions.first?.figure == "policy-birth-rate")
        #expect(score.deductions.first?.reason == "比率 92.59%，低于目标 95%（比率（policy-birth-rate）达到95%得满分，每低1个百分点扣1分）")
        // At or above the target: full marks.
        let high = Figures(values: ["policy-birth-rate@street": 96])
        #expect(try w.indicator("2.1", unit: "street", ScoreInputs(figures: high)).earned == Decimal2("10"))
        // Without a figure value the rate recorded in a mock inspection counts; without either, nothing is deducted but it is reported.
        let mocked = ScoreInputs(items: [done: ItemEvidence(status: .ticked, rate: 93)])
        #expect(try w.indicator("2.1", unit: "street", mocked).earned == Decimal2("8"))
        let unknown = try w.indicator("2.1", unit: "street", ScoreInputs())
        #expect(unknown.earned == Decimal2("10"))
        #expect(unknown.unknown == ["policy-birth-rate 暂无数值（用 mock record --rate 记录）"])
    }

    @Test func proportionalCreditAndThresholds() throws {
        let done = UnitItem(unit: "street", item: "02.01")
        let proportional = try Self.workspace(points: "10", Self.rate("<rate target=\"90\" credit=\"proportional\"/>"))
        #expect(try proportional.indicator("2.1", unit: "street", ScoreInputs(items: [done: ItemEvidence(rate: 72)])).earned == Decimal2("8"))
        let threshold = try Self.workspace(points: "10", Self.rate("<threshold target=\"95\"/>"))
        #expect(try threshold.indicator("2.1", unit: "street", ScoreInputs(items: [done: ItemEvidence(rate: 94.9)])).earned == .zero)
        #expect(try threshold.indicator("2.1", unit: "street", ScoreInputs(items: [done: ItemEvidence(rate: 95)])).earned == Decimal2("10"))
    }

    @Test func casesCanComeFromAFigureAndAPartialCategoryMayFallShort() throws {
        let w = try Self.workspace(
            points: "10",
            """
            <indicator code="2.1" name="错报" points="6" method="system-check" level="street" group="g1">
              <standard>错报每例扣3分。</standard>
              <deductPerCase amount="3" label="错报" figure="misreported"/>
              <item code="02.01" title="出生统计"><document title="统计表"/></item>
            </indicator>
            <indicator code="2.2" name="资料" points="4" method="ledger-review" level="street" group="g1">
              <standard>资料齐全。</standard>
              <item code="02.02" title="资料"><document title="资料"/></item>
            </indicator>
            """)
        let one = try w.indicator("2.1", unit: "street", ScoreInputs(figures: Figures(values: ["misreported@street": 1])))
        #expect(one.earned == Decimal2("3"))
        #expect(one.deductions.first?.figure == "misreported")
        let three = try w.indicator("2.1", unit: "street", ScoreInputs(figures: Figures(values: ["misreported@street": 3])))
        #expect(three.earned == .zero && three.capped)

        let directory = try TemporaryDirectory("partial")
        try directory.overlay(w.directory.path)
        try directory.write(
            "checklists/catalogue/02-data.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <category code="02" name="数据管理" points="10" partial="true">
              <indicator code="2.1" name="信息排查" points="4" method="system-check" level="street" group="g1">
                <standard>只公布了部分指标。</standard>
                <item code="02.01" title="排查记录"><document title="记录"/></item>
              </indicator>
            </category>
            """)
        let partial = load(directory.path)
        #expect(partial.diagnostics.isEmpty, "\(rendered(partial.diagnostics, root: directory.path))")
        #expect(partial.workspace?.catalogue.categories[1].isPartial == true)
    }

    @Test func bonusIsCapped() throws {
        let w = try Self.workspace(points: "10", Self.rate("<bonus amount=\"0.5\" max=\"2\" figure=\"innovations\"/>"))
        let many = Figures(values: ["innovations@street": 7])
        let score = try w.indicator("2.1", unit: "street", ScoreInputs(items: [UnitItem(unit: "street", item: "02.01"): ItemEvidence(status: .ticked)], figures: many))
        #expect(score.bonus == Decimal2("2"))
        #expect(score.earned == Decimal2("12"))
        #expect(score.rule == "加分：每1项（innovations）加0.5分，最多加2分")
    }

    @Test func aFailedVetoIndicatorZeroesTheUnit() throws {
        let w = try Self.workspace(points: "6", Self.cases)
        var evidence: [UnitItem: ItemEvidence] = [:]
        for item in ["01.01", "01.03", "02.01"] { evidence[UnitItem(unit: "east", item: item)] = ItemEvidence(status: .ticked) }
        let clean = try w.score("east", ScoreInputs(items: evidence))
        #expect(clean.summary == "26/26")
        evidence[UnitItem(unit: "east", item: "01.01")] = ItemEvidence(status: .ticked, flagged: true)
        let vetoed = try w.score("east", ScoreInputs(items: evidence))
        #expect(vetoed.total == .zero)
        #expect(vetoed.summary == "0/26（一票否决）")
        #expect(vetoed.vetoed == "1.1 目标管理责任：01.01 模拟检查未通过（一票否决）")
    }

    @Test func withoutRulesPointsFollowCompleteItemsAndAFailureZeroesTheIndicator() throws {
        let w = try Self.workspace(points: "6", Self.cases)
        // 1.1 has two street items: one ticked earns half of 12.
        let half = try w.indicator("1.1", unit: "street", ScoreInputs(items: [UnitItem(unit: "street", item: "01.01"): ItemEvidence(status: .ticked)]))
        #expect(half.earned == Decimal2("6"))
        #expect(half.deductions.map(\.item) == ["01.02"])
        let failed = try w.indicator("1.2", unit: "east", ScoreInputs(items: [UnitItem(unit: "east", item: "01.03"): ItemEvidence(status: .ticked, flagged: true)]))
        #expect(failed.earned == .zero)
    }

    @Test func nestedIndicatorsAddUpAtEveryLevel() throws {
        let w = try Self.workspace(
            points: "10",
            """
            <indicator code="2.1" name="流动人口" points="10" method="system-check" level="street" group="g1">
              <standard>五率7分，资料报表3分。</standard>
              <indicator code="2.1.1" name="五率" points="7" method="system-check" level="street">
                <standard>五率达标。</standard>
                <deductPerMissing amount="1"/>
                <item code="02.01" title="五率统计"><document title="统计表" quantity="3"/></item>
              </indicator>
              <indicator code="2.1.2" name="资料报表" points="3" method="ledger-review" level="street">
                <standard>资料报表齐全。</standard>
                <item code="02.02" title="报表"><document title="报表"/></item>
              </indicator>
            </indicator>
            """)
        #expect(w.workspace.catalogue.categories[1].parents.map(\.code) == ["2.1"])
        #expect(w.workspace.catalogue.categories[1].indicators.map { $0.parentCode } == ["2.1", "2.1"])
        #expect(w.workspace.catalogue.categories[1].indicators.map { $0.group?.id } == ["g1", "g1"])
        let evidence = [
            UnitItem(unit: "street", item: "02.01"): ItemEvidence(status: .filed, present: 1),
            UnitItem(unit: "street", item: "02.02"): ItemEvidence(status: .ticked),
        ]
        let score = try w.score("street", ScoreInputs(items: evidence))
        #expect(score.parents.map { "\($0.code) \($0.name) \($0.earned)/\($0.points) \($0.parts)" } == ["2.1 流动人口 8/10 [\"2.1.1\", \"2.1.2\"]"])
    }

    @Test func unscoredIndicatorsShowNoPoints() throws {
        let w = try Self.workspace(
            points: "10",
            """
            <indicator code="2.1" name="信息排查" points="10" method="system-check" level="both" group="g1">
              <standard>每月排查。</standard>
              <item code="02.01" title="排查记录"><document title="记录"/></item>
            </indicator>
            <indicator code="2.2" name="宣传栏登记" method="site-visit" level="both" group="g1">
              <standard>宣传栏登记簿。</standard>
              <item code="02.02" title="宣传栏登记簿"><document title="登记簿"/></item>
            </indicator>
            """)
        let unscored = try #require(w.workspace.catalogue.allIndicators.first { $0.code == "2.2" })
        #expect(!unscored.isScored)
        #expect(RuleText.points(unscored) == "不计分")
        #expect(RuleText.describe(unscored) == "不计分")
        #expect(try w.score("west", ScoreInputs()).indicators.map(\.code) == ["1.1", "2.1"])
    }

    @Test func perCommunityRulesCountCommunitiesOnTheStreetsScore() throws {
        let w = try Self.workspace(
            points: "4",
            """
            <indicator code="2.1" name="挂钩帮扶" points="4" method="document-review" level="both" group="g1">
              <standard>挂钩帮扶记录缺一个社区扣0.5分。</standard>
              <deductPerMissing amount="0.5" per="community" item="02.01"/>
              <item code="02.01" title="帮扶记录" level="community"><document title="记录"/></item>
              <item code="02.02" title="帮扶安排" level="street"><document title="安排表"/></item>
            </indicator>
            """)
        let evidence = [
            UnitItem(unit: "east", item: "02.01"): ItemEvidence(status: .ticked),
            UnitItem(unit: "street", item: "02.02"): ItemEvidence(status: .ticked),
        ]
        let street = try w.indicator("2.1", unit: "street", ScoreInputs(items: evidence))
        #expect(street.deductions.map(\.community) == ["west"])
        #expect(street.earned == Decimal2("3.5"))
    }

    @Test func gapsRankByPointsThenByTheCheaperFix() throws {
        let w = try Self.workspace(points: "10", Self.bodies)
        var evidence: [UnitItem: ItemEvidence] = [:]
        for n in 1...6 { evidence[UnitItem(unit: "street", item: String(format: "02.%02d", n))] = ItemEvidence(status: .ticked) }
        let scores = w.estimator.estimate(ScoreInputs(items: evidence))
        let tasks = [
            GapTask(id: "t9", title: "补齐机构7文件", group: "g1", due: "2014-12-01"),
            GapTask(id: "t8", title: "补齐 02.07 的文件", group: "g1", due: "2014-11-20"),
            GapTask(id: "t1", title: "其他", group: "g1", due: "2014-11-01"),
        ]
        let gaps = GapRanker.rank(scores, groups: w.workspace.street.groups, openTasks: tasks)
        // Communities hold one item of 1.1 (12 points), east also 01.03 (8); the street two
        // items of 1.1 at 6 points each, where 01.01 (3 documents) is cheaper than 01.02 (4).
        #expect(
            gaps.prefix(5).map { "\($0.unit) \($0.item ?? "") \($0.points)" }
                == ["east 01.01 12", "west 01.01 12", "east 01.03 8", "street 01.01 6", "street 01.02 6"])
        let seventh = try #require(gaps.first { $0.item == "02.07" })
        #expect(seventh.task?.id == "t8")  // both name it; t8 is due first
        #expect(seventh.groupName == "信息系统处理组")
        #expect(gaps.first { $0.item == "02.08" }?.task == nil)
    }

    @Test func aRateMustNameAKnownFigure() throws {
        let directory = try TemporaryDirectory("scoring")
        try directory.overlay(Paths.small)
        try directory.write(
            "checklists/catalogue/02-data.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <category code="02" name="数据管理" points="10">
              <indicator code="2.1" name="符合政策生育率" points="10" method="system-check" level="street" group="g1">
                <standard>≥95%。</standard>
                <rate figure="policy-birth-rat" target="95" deductPerPoint="1"/>
                <item code="02.01" title="出生统计"><document title="统计表"/></item>
              </indicator>
            </category>
            """)
        var loader = WorkspaceLoader(root: directory.path, schemaFile: Paths.schema)
        // By default the workspace's own figures (checklists/figures.xml) are the known ones.
        #expect(loader.load().diagnostics.map(\.id) == ["scoring.unknown-figure"])
        loader.knownFigures = ["policy-birth-rate", "sex-ratio"]
        #expect(
            rendered(loader.load().diagnostics, root: directory.path) == [
                "checklists/catalogue/02-data.xml:5:5: error: rate of indicator 2.1 reads unknown figure \"policy-birth-rat\"; did you mean \"policy-birth-rate\"? [scoring.unknown-figure]\n    note: known figures: policy-birth-rate, sex-ratio"
            ])
    }
}

@Suite struct UnscoredPagesTests {
    /// An unscored catalogue (a registers list): no page may print "0 分" or a score.
    @Test func anUnscoredCatalogueShowsNoPointsOnAnyPage() throws {
        let directory = try TemporaryDirectory("unscored")
        try directory.overlay(Paths.small)
        try directory.write("checklists/taizhang.xml", master("", includes: ["02-data"]))
        try directory.write(
            "checklists/catalogue/02-data.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <category code="02" name="登记簿">
              <indicator code="2.1" name="宣传栏登记" method="site-visit" level="both" group="g1">
                <standard>宣传栏登记簿。</standard>
                <item code="02.01" title="宣传栏登记簿"><document title="登记簿"/></item>
              </indicator>
            </category>
            """)
        let fixture = try PackFixture(directory.path)
        #expect(!fixture.workspace.catalogue.isScored)
        let result = fixture.generate()
        #expect(!result.diagnostics.hasErrors)
        var pages = 0
        let walker = try #require(FileManager.default.enumerator(atPath: fixture.packRoot))
        for case let path as String in walker where path.hasSuffix(".html") || path.hasSuffix(".xml") {
            let text = try String(contentsOfFile: fixture.packRoot + "/" + path, encoding: .utf8)
            #expect(!text.contains("0 分"), "\(path)")
            #expect(!text.contains("预估得分") && !text.contains("<score"), "\(path)")
            pages += 1
        }
        #expect(pages > 5)
        let sheet = try String(contentsOfFile: fixture.packRoot + "/01 东社区/02 登记簿/02.01 宣传栏登记簿/00 说明.html", encoding: .utf8)
        #expect(sheet.contains("2.1 宣传栏登记（不计分）"))
    }
}
