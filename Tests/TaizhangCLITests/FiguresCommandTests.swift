import Foundation
import Testing

@Suite struct FiguresCommandTests {
    static let five = [
        "checklists/figures.xml:180:5: error: 东湖街道 常住人口 (pop-resident): 39430 + 86827 = 126257, reported 126696 (差 439); rule population-parts [figures.sum-mismatch]",
        "checklists/figures.xml:189:5: error: 东湖街道 常住人口出生数 (births-resident): 459 + 890 = 1349, reported 1479 (差 130); rule births-parts [figures.sum-mismatch]",
        "checklists/figures.xml:195:5: error: 东湖街道 社区计生专兼职工作人员 (staff-community): 11 + 47 = 58, reported 48 (差 -10); rule staff-parts [figures.sum-mismatch]",
        "checklists/figures.xml:203:5: error: 东湖街道 计生证明 (certificates): 2577 + 217 + 518 + 475 + 114 + 161 + 484 + 20 = 4566, reported 4692 (差 126); rule certificate-kinds [figures.sum-mismatch]",
        "checklists/figures.xml:228:5: error: 东湖街道 PADIS核查与反馈信息 (padis-checks): 工作总结·四（三） 3313 ≠ 工作总结·六（三） 4312 (差 999); rule padis-checks-agree [figures.disagree]",
        "5 errors, 0 warnings, 0 notes",
    ]

    @Test func theDefaultWorkspacePrintsTheSeedsFiveContradictionsAndExits65() throws {
        let result = try CLI.run(["figures", "check"])
        #expect(result.status == 65)
        #expect(result.stderr.split(separator: "\n").map(String.init) == Self.five)
        #expect(result.stdout.isEmpty)
    }

    @Test func correctedFiguresExitZero() throws {
        let copy = try WorkspaceCopy()
        for (old, new) in [(">126696<", ">126257<"), (">1479<", ">1349<"), (">48<", ">58<"), (">4692<", ">4566<"), (">4312<", ">3313<")] {
            try copy.edit("checklists/figures.xml", replacing: old, with: new)
        }
        let result = try CLI.run(["figures", "check", "--workspace", copy.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "0 errors, 0 warnings, 0 notes\n")
    }

    @Test func anExplanationTurnsTheFlagIntoANote() throws {
        let copy = try WorkspaceCopy()
        try copy.edit(
            "checklists/figures.xml", replacing: "<part figure=\"staff-community-assistants\"/>\n",
            with:
                "<part figure=\"staff-community-assistants\"/>\n    <explanation unit=\"street\">10名协管员同时担任计生专干，两项都计入</explanation>\n")
        let result = try CLI.run(["figures", "check", "--workspace", copy.path])
        #expect(result.status == 65)
        #expect(
            result.stderr.contains(
                """
                checklists/figures.xml:196:5: note: 东湖街道 社区计生专兼职工作人员 (staff-community): 11 + 47 = 58, reported 48 (差 -10); rule staff-parts [figures.sum-mismatch]
                    note: 说明: 10名协管员同时担任计生专干，两项都计入
                """))
        #expect(result.stderr.hasSuffix("4 errors, 0 warnings, 1 note\n"))
    }

    @Test func jsonListsEveryFlagWithItsArithmeticAndPosition() throws {
        let result = try CLI.run(["figures", "check", "--format", "json"])
        #expect(result.status == 65)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["errors"] as? Int == 5)
        let flags = try #require(object["flags"] as? [[String: Any]])
        #expect(flags.map { $0["rule"] as? String } == ["population-parts", "births-parts", "staff-parts", "certificate-kinds", "padis-checks-agree"])
        let births = try #require(flags.first { $0["rule"] as? String == "births-parts" })
        #expect(births["arithmetic"] as? String == "459 + 890 = 1349, reported 1479 (差 130)")
        #expect(births["file"] as? String == "checklists/figures.xml")
        #expect(births["line"] as? Int == 189)
        #expect(births["column"] as? Int == 5)
        #expect(births["difference"] as? Double == 130)
        #expect(births["unit"] as? String == "street")
    }

    @Test func oneCommunityIsCheckedAlone() throws {
        let clean = try CLI.run(["figures", "check", "--community", "wutongshan"])
        #expect(clean.status == 0, "\(clean.stderr)")
        let unknown = try CLI.run(["figures", "check", "--community", "nowhere"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("unknown community \"nowhere\""))
    }

    @Test func fullWidthDigitsAreRefusedWithTheirPosition() throws {
        let copy = try WorkspaceCopy()
        try copy.edit("checklists/figures.xml", replacing: ">1479<", with: ">１４７９<")
        let result = try CLI.run(["figures", "check", "--workspace", copy.path])
        #expect(result.status == 65)
        #expect(
            result.stderr.hasPrefix(
                """
                checklists/figures.xml:189:5: error: births-resident (street): "１４７９" contains full-width characters; write half-width digits: 1479 [figures.full-width]
                """))
    }

    @Test func generateShowsTheContradictionsAsWarningsAndStillBuildsThePack() throws {
        let workspace = try WorkspaceCopy()
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: workspace.path + "/templates")
        let result = try CLI.run(["generate", "--workspace", workspace.path])
        #expect(result.status == 0, "\(result.stderr)")
        let warnings = result.stderr.split(separator: "\n").filter { $0.contains(": warning: ") && $0.contains("[figures.") }
        #expect(warnings.count == 5)
        #expect(
            warnings.contains {
                $0.hasSuffix("checklists/figures.xml:189:5: warning: 东湖街道 常住人口出生数 (births-resident): 459 + 890 = 1349, reported 1479 (差 130); rule births-parts [figures.sum-mismatch]")
            })
        let pack = workspace.path + "/output/东湖街道-2014"
        let street = try String(contentsOfFile: pack + "/数据统计.html", encoding: .utf8)
        #expect(street.contains("459 + 890 = 1349，上报 1479（差 130）"))
        #expect(street.contains("<th class=\"num\">梧桐山社区</th>"))
        let section = try String(contentsOfFile: pack + "/00 东湖街道计生科/00 数据统计.html", encoding: .utf8)
        #expect(section.contains("不一致 5 项"))
        #expect(section.contains("2577 + 217 + 518 + 475 + 114 + 161 + 484 + 20 = 4566，上报 4692（差 126）"))
        let community = try String(contentsOfFile: pack + "/01 梧桐山社区/00 数据统计.html", encoding: .utf8)
        #expect(community.contains("68 / 74 × 100 = 91.89"))
        #expect(community.contains("各项数据逻辑核查无误"))
    }

    @Test func generateRefusesFiguresThatAreNotNumbersAndWritesNothing() throws {
        let workspace = try WorkspaceCopy()
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: workspace.path + "/templates")
        try workspace.edit("checklists/figures.xml", replacing: ">459<", with: ">四百五十九<")
        let result = try CLI.run(["generate", "--workspace", workspace.path])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("checklists/figures.xml:183:5: error: births-registered (street): \"四百五十九\" is not a number [figures.not-a-number]"))
        #expect(!FileManager.default.fileExists(atPath: workspace.path + "/output"))
    }

    @Test func aWorkspaceWithoutFiguresSaysSoAndPasses() throws {
        let workspace = try WorkspaceCopy()
        try workspace.edit("checklists/taizhang.xml", replacing: "  <xi:include href=\"figures.xml\"/>\n", with: "")
        let result = try CLI.run(["figures", "check", "--workspace", workspace.path])
        #expect(result.status == 0)
        #expect(result.stderr.hasPrefix("no figures defined; add checklists/figures.xml"))
    }
}
