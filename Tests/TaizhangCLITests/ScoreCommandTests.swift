import Foundation
import Testing

@Suite struct ScoreCommandTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path

    /// A tick, a mock inspection with cases and one with a rate on a copy of the default workspace.
    func prepared() throws -> WorkspaceCopy {
        let ws = try WorkspaceCopy()
        for arguments in [
            ["tick", "01.06", "01.07", "01.08", "--community", "wutongshan", "--by", "p13"],
            ["mock", "record", "--community", "wutongshan", "--item", "06.02", "--result", "fail", "--cases", "3", "--by", "p03"],
            [
                "mock", "record", "--community", "wutongshan", "--item", "06.03", "--result", "pass", "--rate", "97.5", "--by", "p03",
                "--force", "--note", "系统抽查，无纸质资料",
            ],
        ] {
            let result = try CLI.run(arguments + ["--today", "2014-11-30", "--workspace", ws.path])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        return ws
    }

    @Test func scoreJSONMatchesTheGoldenFile() throws {
        let ws = try prepared()
        let result = try CLI.run(["score", "--community", "wutongshan", "--format", "json", "--workspace", ws.path])
        #expect(result.status == 0, "\(result.stderr)")
        let file = Self.golden + "/score-wutongshan.json"
        if ProcessInfo.processInfo.environment["TAIZHANG_RECORD"] == "1" {
            try FileManager.default.createDirectory(atPath: Self.golden, withIntermediateDirectories: true)
            try result.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: file, encoding: .utf8)
        #expect(result.stdout == expected, "re-record with TAIZHANG_RECORD=1 if intended")
    }

    @Test func scoreTextExplainsEveryPointLost() throws {
        let ws = try prepared()
        let result = try CLI.run(["score", "--community", "wutongshan", "--workspace", ws.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("东湖街道 2014 · 梧桐山社区 · 预估自评分 ") == true)
        #expect(lines.contains { $0.hasPrefix("1.2 ") && $0.hasSuffix("01.06 每缺1份资料扣0.5分；01.07 每缺1项台账扣1分；扣完为止；一票否决") })
        #expect(lines.contains("          −0.3  06.02 包片上户采集登记：模拟检查发现漏登人员 3 例（06.02 每发现1例漏登人员扣0.1分）"))
        #expect(lines.last?.hasPrefix("合计") == true)
        let unknown = try CLI.run(["score", "--community", "nowhere", "--workspace", ws.path])
        #expect(unknown.status == 65)
    }

    @Test func gapsAreRankedByPointsWithOwnerGroups() throws {
        let ws = try prepared()
        let result = try CLI.run(["gaps", "--community", "wutongshan", "--format", "json", "--workspace", ws.path])
        #expect(result.status == 0, "\(result.stderr)")
        let gaps = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let points = gaps.compactMap { $0["points"] as? Double }
        #expect(points.count == gaps.count && !gaps.isEmpty)
        #expect(points == points.sorted(by: >))
        #expect(gaps.allSatisfy { $0["unit"] as? String == "wutongshan" })
        #expect(gaps.contains { $0["item"] as? String == "06.02" && $0["groupName"] != nil })
        let text = try CLI.run(["gaps", "--limit", "3", "--workspace", ws.path])
        let lines = text.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("先补这些缺口（按补齐后可挽回的分值排序，共 ") == true)
        #expect(lines.count == 5)
        #expect(lines.last?.hasPrefix("……另有 ") == true)
    }

    @Test func statusShowsTheTotalAndTopDeductions() throws {
        let ws = try prepared()
        let text = try CLI.run(["status", "--community", "wutongshan", "--today", "2014-11-30", "--workspace", ws.path])
        let lines = text.stdout.split(separator: "\n").map(String.init)
        let row = try #require(lines.firstIndex { $0.hasPrefix("01 梧桐山社区") })
        #expect(lines[row].contains("/90"))
        #expect(lines[row + 1].hasPrefix("    −"))
        #expect(lines[row + 3].hasPrefix("    −"))
    }

    @Test func mockRecordRefusesImpossibleCountsAndRates() throws {
        let ws = try WorkspaceCopy()
        let rate = try CLI.run(["mock", "record", "--community", "wutongshan", "--item", "06.03", "--result", "pass", "--rate", "120", "--by", "p03", "--workspace", ws.path])
        #expect(rate.status == 64)
        #expect(rate.stderr.contains("--rate is a percentage from 0 to 100"))
        let cases = try CLI.run(["mock", "record", "--community", "wutongshan", "--item", "06.02", "--result", "fail", "--cases", "-1", "--by", "p03", "--workspace", ws.path])
        #expect(cases.status == 64)
    }
}
