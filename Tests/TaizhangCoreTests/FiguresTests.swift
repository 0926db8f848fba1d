import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangTestSupport
import Testing

@Suite struct FigureNumberTests {
    @Test(arguments: [
        ("1479", false, 1479.0, 0), ("1,479", false, 1479, 0), ("126,696", false, 126_696, 0), ("1,234,567.25", false, 1_234_567.25, 2),
        (" 459 ", false, 459, 0), ("92.59", true, 92.59, 2), ("92.59%", true, 92.59, 2), ("83.33 %", true, 83.33, 2), ("0", false, 0, 0),
    ])
    func acceptsNumbersAsOfficialsWriteThem(_ text: String, _ percent: Bool, _ value: Double, _ decimals: Int) {
        #expect(FigureNumber.parse(text, percentAllowed: percent) == .success(.init(value: value, decimals: decimals)))
    }

    @Test(arguments: [
        ("", FigureNumber.Problem.empty), ("  ", .empty), ("１４７９", .fullWidth(suggestion: "1479")),
        ("1，479", .fullWidth(suggestion: "1,479")), ("９２.５９％", .fullWidth(suggestion: "92.59%")),
        ("14,79", .misplacedSeparator), ("1,4790", .misplacedSeparator), ("1,479.5,0", .misplacedSeparator),
        ("-3", .negative), ("5%", .percentNotAllowed), ("四五九", .notANumber), ("1.2.3", .notANumber),
        ("1e5", .notANumber), (".5", .notANumber), ("5.", .notANumber), ("-", .notANumber), ("0x10", .notANumber),
        ("99999999999999999999", .tooLarge), ("1.1234567", .tooLarge), ("1,000,000,000,000,000", .tooLarge),
    ])
    func refusesWhatIsNotANumberWithAReason(_ text: String, _ problem: FigureNumber.Problem) {
        #expect(FigureNumber.parse(text, percentAllowed: false) == .failure(problem))
    }

    @Test func formatsWithTheReportedDecimals() {
        #expect(FigureNumber.format(1349, decimals: 0) == "1349")
        #expect(FigureNumber.format(92.5926, decimals: 2) == "92.59")
        #expect(FigureNumber.format(-10, decimals: 0) == "-10")
        #expect(FigureNumber.format(-0.25, decimals: 2) == "-0.25")
        #expect(FigureNumber.format(85, decimals: 2) == "85.00")
        #expect(FigureNumber.format(-0.001, decimals: 0) == "0")
        #expect(FigureNumber.format(999_999_999_999_999, decimals: 0) == "999999999999999")
        #expect(FigureNumber.format(894.9899, decimals: 4) == "894.9899")
        #expect(FigureNumber.rounded(94.445, decimals: 2) == 94.45)
        #expect(FigureNumber.decimals(of: 0.5) == 1)
    }
}

/// Each folder under Fixtures/figures overlays the small workspace with a figures.xml and holds
/// `expected.txt`: the exact flags of `figures check`, one diagnostic per line.
@Suite struct FiguresCheckerTests {
    static let cases: [String] = {
        ((try? FileManager.default.contentsOfDirectory(atPath: Paths.fixtures + "/figures")) ?? []).sorted()
    }()

    @Test(arguments: cases)
    func flagsExactlyTheExpectedValues(_ name: String) throws {
        let (root, expected) = try fixtureCase(Paths.fixtures + "/figures/" + name, label: name)
        let result = load(root.path)
        #expect(result.diagnostics.isEmpty, "\(rendered(result.diagnostics, root: root.path))")
        let workspace = try #require(result.workspace)
        let actual = renderedLines(FiguresChecker(workspace: workspace).check().map { $0.diagnostic() }, root: root.path)
        #expect(!expected.isEmpty)
        #expect(actual == expected, "\(name)")
    }

    @Test func theSmallWorkspaceHasOnlyItsExplainedNote() throws {
        let workspace = try #require(load(Paths.small).validWorkspace)
        let flags = FiguresChecker(workspace: workspace).check()
        #expect(flags.map(\.severity) == [.note])
        #expect(flags.first?.arithmetic == "10 / 12 × 100 = 83.33, reported 85.00 (差 1.67)")
        #expect(flags.first?.explanation == "含1例补办手续的政策内出生，口径待区计生局确认")
    }

    @Test func onlyTheChosenUnitIsChecked() throws {
        let root = try TemporaryDirectory("unit")
        try root.overlay(Paths.small)
        try root.overlay(Paths.fixtures + "/figures/03-ranges")
        let workspace = try #require(load(root.path).validWorkspace)
        let checker = FiguresChecker(workspace: workspace)
        #expect(checker.check(units: ["east"]).map(\.unit) == ["east"])
        #expect(checker.check(units: ["west"]).isEmpty)
        #expect(checker.check().count == 3)
    }
}

/// The default workspace carries the seed's figures as the seed reports them.
@Suite struct DefaultFiguresTests {
    static let fiveContradictions = [
        "checklists/figures.xml:180:5: error: 东湖街道 常住人口 (pop-resident): 39430 + 86827 = 126257, reported 126696 (差 439); rule population-parts [figures.sum-mismatch]",
        "checklists/figures.xml:189:5: error: 东湖街道 常住人口出生数 (births-resident): 459 + 890 = 1349, reported 1479 (差 130); rule births-parts [figures.sum-mismatch]",
        "checklists/figures.xml:195:5: error: 东湖街道 社区计生专兼职工作人员 (staff-community): 11 + 47 = 58, reported 48 (差 -10); rule staff-parts [figures.sum-mismatch]",
        "checklists/figures.xml:203:5: error: 东湖街道 计生证明 (certificates): 2577 + 217 + 518 + 475 + 114 + 161 + 484 + 20 = 4566, reported 4692 (差 126); rule certificate-kinds [figures.sum-mismatch]",
        "checklists/figures.xml:228:5: error: 东湖街道 PADIS核查与反馈信息 (padis-checks): 工作总结·四（三） 3313 ≠ 工作总结·六（三） 4312 (差 999); rule padis-checks-agree [figures.disagree]",
    ]

    @Test func findsExactlyTheSeedsFiveContradictions() throws {
        let workspace = try #require(WorkspaceLoader(root: Paths.repository).load().validWorkspace)
        let flags = FiguresChecker(workspace: workspace).check().map { $0.diagnostic() }
        #expect(rendered(flags, root: Paths.repository) == Self.fiveContradictions)
    }

    /// Every indicator knows the label of each figure its rules name, and of no other figure.
    @Test func indicatorsCarryTheLabelsOfTheFiguresTheirRulesName() throws {
        let workspace = try #require(WorkspaceLoader(root: Paths.repository).load().validWorkspace)
        let labels = Dictionary(workspace.figures.definitions.map { ($0.id, $0.label) }, uniquingKeysWith: { a, _ in a })
        var named = 0
        for indicator in workspace.catalogue.allIndicators {
            let expected = labels.filter { id, _ in indicator.rules.contains { $0.figure == id } }
            #expect(indicator.figureLabels == expected, "\(indicator.code)")
            named += indicator.figureLabels.count
        }
        #expect(named > 0)
    }

    @Test func correctingTheFiveValuesLeavesNothingToFlag() throws {
        let root = try TemporaryDirectory("fixed")
        try FileManager.default.copyItem(atPath: Paths.repository + "/checklists", toPath: root.path + "/checklists")
        let file = root.path + "/checklists/figures.xml"
        var text = try String(contentsOfFile: file, encoding: .utf8)
        for (old, new) in [(">126696<", ">126257<"), (">1479<", ">1349<"), (">48<", ">58<"), (">4692<", ">4566<"), (">4312<", ">3313<")] {
            #expect(text.contains(old))
            text = text.replacingOccurrences(of: old, with: new)
        }
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let workspace = try #require(WorkspaceLoader(root: root.path).load().validWorkspace)
        #expect(FiguresChecker(workspace: workspace).check().isEmpty)
    }

    @Test func ratesReadByScoringAreRecomputed() throws {
        let workspace = try #require(WorkspaceLoader(root: Paths.repository).load().validWorkspace)
        let values = FigureValues(workspace.figures)
        // 梧桐山 reports 68 of 74 registered births within policy: the rate is recomputed.
        #expect(values.value(of: "policy-birth-rate-registered", unit: "wutongshan") == 68.0 / 74.0 * 100)
        // The street reports the rate but not its numerator: the reported rate is all there is.
        #expect(values.value(of: "policy-birth-rate-registered", unit: "street") == 92.59)
        #expect(values.value(of: "births-registered", unit: "street") == 459)
        #expect(values.value(of: "births-registered", unit: "nowhere") == nil)
        #expect(values.value(of: "no-such-figure", unit: "street") == nil)
        #expect(values.figureIDs.contains("policy-birth-rate-registered"))
        #expect(workspace.figures.figureIDs == values.figureIDs)
    }

    @Test func aRecomputedRateWinsOverAWrongReportedOne() throws {
        let workspace = try #require(load(Paths.small).validWorkspace)
        let values = FigureValues(workspace.figures)
        // 西社区 reports 85.00 but 10 of 12 births is 83.33%.
        #expect(values.value(of: "policy-birth-rate", unit: "west") == 10.0 / 12.0 * 100)
        #expect(values.reported("policy-birth-rate", unit: "west")?.value == 85)
    }
}
