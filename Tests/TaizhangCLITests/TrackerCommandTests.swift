import Foundation
import Testing

@Suite struct TrackerCommandTests {
    func workspace() throws -> WorkspaceCopy { try WorkspaceCopy() }

    @Test func aLeadTicksUnticksAndCompletesTasksAndTheLogShowsEverything() throws {
        let ws = try workspace()
        let tick = try CLI.run(["tick", "01.06", "01.07", "--community", "wutongshan", "--by", "p13", "--note", "已归档", "--workspace", ws.path])
        #expect(tick.status == 0, "\(tick.stderr)")
        #expect(tick.stdout == "01.06 wutongshan: 未检查 → 已确认\n01.07 wutongshan: 未检查 → 已确认\n")
        let untick = try CLI.run(["untick", "01.07", "--community", "wutongshan", "--by", "p13", "--workspace", ws.path])
        #expect(untick.stdout == "01.07 wutongshan: 已确认 → 已归档\n")
        let done = try CLI.run(["task", "done", "t-g4-01", "--by", "p03", "--workspace", ws.path])
        #expect(done.status == 0 && done.stdout == "t-g4-01: 已完成\n")
        let refused = try CLI.run(["tick", "01.06", "--community", "dawang", "--by", "p13", "--workspace", ws.path])
        #expect(refused.status == 65)
        #expect(refused.stderr.hasPrefix("error: not allowed: "))
        let log = try CLI.run(["log", "--workspace", ws.path])
        let lines = log.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[0].contains("(p13)  wutongshan 01.06  未检查 → 已确认  备注：已归档"))
        #expect(lines[3].contains("任务 t-g4-01  未完成 → 已完成"))
        #expect(lines[4].contains("拒绝 dawang 01.06"))
        let filtered = try CLI.run(["log", "--community", "dawang", "--workspace", ws.path])
        #expect(filtered.stdout.split(separator: "\n").count == 1)
        #expect(FileManager.default.fileExists(atPath: ws.path + "/.taizhang/tracker.sqlite"))
    }

    @Test func statusShowsProgressAndTheCountdown() throws {
        let ws = try workspace()
        _ = try CLI.run(["tick", "01.06", "--community", "wutongshan", "--by", "p13", "--workspace", ws.path])
        let text = try CLI.run(["status", "--today", "2014-11-30", "--workspace", ws.path])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("东湖街道 2014 · 考核日期 2014-12-10 · 今天 2014-11-30 · 距考核还有 10 天"))
        #expect(text.stdout.contains("01 梧桐山社区"))
        #expect(text.stdout.contains("逾期任务"))
        let json = try CLI.run(["status", "--today", "2014-11-30", "--format", "json", "--community", "wutongshan", "--workspace", ws.path])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["daysLeft"] as? Int == 10)
        let units = try #require(report["units"] as? [[String: Any]])
        #expect(units.count == 1)
        #expect((units[0]["counts"] as? [String: Any])?["ticked"] as? Int == 1)
        let tasks = try CLI.run(["tasks", "--overdue", "--group", "g1", "--today", "2014-12-09", "--workspace", ws.path])
        #expect(tasks.status == 0)
        #expect(tasks.stdout.contains("逾期"))
    }

    @Test func statusAfterInspectionDaySaysSoAndJSONHasNoNegativeCount() throws {
        let ws = try workspace()
        let text = try CLI.run(["status", "--today", "2026-11-30", "--workspace", ws.path])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("东湖街道 2014 · 考核日期 2014-12-10 · 今天 2026-11-30 · 考核日已过（2014-12-10）\n"))
        let json = try CLI.run(["status", "--today", "2026-11-30", "--format", "json", "--workspace", ws.path])
        #expect(json.stdout.contains("\"daysLeft\" : null,"))
        #expect(json.stdout.contains("\"inspectionPassed\" : true,"))
        let before = try CLI.run(["status", "--today", "2014-11-30", "--format", "json", "--workspace", ws.path])
        #expect(before.stdout.contains("\"daysLeft\" : 10,") && before.stdout.contains("\"inspectionPassed\" : false,"))
    }

    @Test func ticksShowInTheGeneratedIndex() throws {
        let ws = try workspace()
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: ws.path + "/templates")
        _ = try CLI.run(["tick", "01.06", "--community", "wutongshan", "--by", "p13", "--workspace", ws.path])
        let result = try CLI.run(["generate", "--workspace", ws.path])
        #expect(result.status == 0, "\(result.stderr)")
        let index = try String(contentsOfFile: ws.path + "/output/东湖街道-2014/01 梧桐山社区/index.html", encoding: .utf8)
        #expect(index.contains("已确认<br><span class=\"small\">"))
        #expect(index.contains("已勾选但无文件"))
    }

    @Test func aForeignDatabaseIsRefusedWithExit65() throws {
        let ws = try workspace()
        let path = ws.path + "/other.sqlite"
        try "not a database".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["status", "--db", path, "--workspace", ws.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("not a Taizhang tracker database"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "not a database")
    }

    /// Eight processes tick at once, each a whole community, one transaction per item.
    @Test func eightConcurrentProcessesLoseNothing() throws {
        let ws = try workspace()
        let root = ws.path
        let communities = ["wutongshan", "dawang", "buxin", "dongle", "shilijia", "shiliyi", "shilibing", "shiliding"]
        let items = [
            "01.03", "01.04", "01.05", "02.02", "03.02", "04.02", "05.02", "06.02", "06.03", "06.04", "07.03", "07.04", "07.05", "06.12", "06.13", "06.14", "06.15", "04.19", "04.18", "04.17",
        ]
        let group = DispatchGroup()
        nonisolated(unsafe) var results: [CLI.Result?] = Array(repeating: nil, count: communities.count)
        let lock = NSLock()
        for (index, community) in communities.enumerated() {
            group.enter()
            DispatchQueue.global().async {
                let result = try? CLI.run(["tick"] + items + ["--community", community, "--by", "p03", "--workspace", root])
                lock.lock(); results[index] = result; lock.unlock()
                group.leave()
            }
        }
        group.wait()
        for result in results {
            #expect(result?.status == 0, "\(result?.stderr ?? "did not run")")
            #expect(!(result?.stderr.contains("locked") ?? true))
        }
        let log = try CLI.run(["log", "--workspace", ws.path, "--format", "json"])
        let events = try #require(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]])
        let ticked = results.compactMap { $0?.stdout.split(separator: "\n").count }.reduce(0, +)
        #expect(ticked == communities.count * items.count)
        #expect(events.count == ticked)
        #expect(Set(events.compactMap { $0["id"] as? Int }).count == ticked)
    }
}
