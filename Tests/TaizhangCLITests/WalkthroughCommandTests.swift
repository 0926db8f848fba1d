import Foundation
import Testing

@Suite struct WalkthroughCommandTests {
    func workspace() throws -> WorkspaceCopy {
        let ws = try WorkspaceCopy()
        for folder in ["templates", "walkthrough"] {
            try FileManager.default.copyItem(atPath: CLI.repository + "/" + folder, toPath: ws.path + "/" + folder)
        }
        return ws
    }

    var chromiumInstalled: Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/chromium")
        }
    }

    @Test func theSameSeedGivesTheSameSheetInTheCommunitysFolder() throws {
        let ws = try workspace()
        let first = try CLI.run(["walkthrough", "--community", "wutongshan", "--seed", "7", "--workspace", ws.path])
        #expect(first.status == 0, "\(first.stderr)")
        let path = ws.path + "/output/东湖街道-2014/01 梧桐山社区/99 模拟检查（内部资料）/模拟检查单-种子7.html"
        #expect(first.stdout == path + " (seed 7)\n")
        let again = try CLI.run(["walkthrough", "--community", "wutongshan", "--seed", "7", "--workspace", ws.path])
        #expect(again.stdout == first.stdout)
        let folder = try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        #expect(folder == ["模拟检查单-种子7.html"])
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.contains("内部资料"))
        #expect(html.contains("抽样种子</th><td colspan=\"3\">7"))
    }

    /// The street office rehearses its own ledger room; `--community street` used to be refused.
    @Test func theStreetOfficeGetsItsOwnSheet() throws {
        let ws = try workspace()
        let result = try CLI.run(["walkthrough", "--community", "street", "--seed", "3", "--workspace", ws.path])
        #expect(result.status == 0, "\(result.stderr)")
        let path = ws.path + "/output/东湖街道-2014/00 东湖街道计生科/99 模拟检查（内部资料）/模拟检查单-种子3.html"
        #expect(result.stdout == path + " (seed 3)\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("东湖街道计生科"))
    }

    /// A tracker database that cannot be read stops the sheet, as it stops `generate`; the
    /// sheet used to be written without statuses, silently.
    @Test func aDamagedTrackerDatabaseIsAnErrorNotSilence() throws {
        let ws = try workspace()
        try FileManager.default.createDirectory(atPath: ws.path + "/.taizhang", withIntermediateDirectories: true)
        try "这不是数据库".write(toFile: ws.path + "/.taizhang/tracker.sqlite", atomically: true, encoding: .utf8)
        let result = try CLI.run(["walkthrough", "--community", "wutongshan", "--seed", "7", "--workspace", ws.path])
        #expect(result.status == 65)
        #expect(result.stderr == ".taizhang/tracker.sqlite: error: not a Taizhang tracker database (not even SQLite); it was left untouched — move it away or pass --db [tracker.database]\n")
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/output"))
        let generate = try CLI.run(["generate", "--workspace", ws.path])
        #expect(generate.status == 65 && generate.stderr == result.stderr)
    }

    @Test func householdDataNeverLeavesTheWalkthroughFolders() throws {
        let ws = try workspace()
        for community in ["wutongshan", "dawang", "buxin"] {
            #expect(try CLI.run(["walkthrough", "--community", community, "--seed", "3", "--workspace", ws.path]).status == 0)
        }
        #expect(try CLI.run(["generate", "--workspace", ws.path]).status == 0)
        // Every household head's name in the sample data…
        var names: Set<String> = []
        for community in try FileManager.default.contentsOfDirectory(atPath: ws.path + "/walkthrough") where !community.hasSuffix(".md") {
            let data = try #require(FileManager.default.contents(atPath: ws.path + "/walkthrough/\(community)/households.csv"))
            let text = String(data: data, encoding: .utf8) ?? ""
            for line in text.split(whereSeparator: \.isNewline).dropFirst() {
                let fields = line.split(separator: ",")
                if fields.count > 2 { names.insert(String(fields[2])) }
            }
        }
        #expect(names.count >= 16)
        // …appears in no pack file outside a walkthrough folder.
        let pack = ws.path + "/output"
        let walker = try #require(FileManager.default.enumerator(atPath: pack))
        var checked = 0
        for case let file as String in walker where !file.contains("模拟检查（内部资料）") {
            guard let data = FileManager.default.contents(atPath: pack + "/" + file), let text = String(data: data, encoding: .utf8) else { continue }
            checked += 1
            for name in names { #expect(!text.contains(name), "\(name) found in \(file)") }
        }
        #expect(checked > 700)
        let index = try String(contentsOfFile: pack + "/东湖街道-2014/01 梧桐山社区/index.html", encoding: .utf8)
        #expect(!index.contains("模拟检查"))
    }

    @Test func badCSVGetsLineNumberedErrorsAndExit65() throws {
        let ws = try workspace()
        let file = ws.path + "/walkthrough/wutongshan/route.csv"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try (text + "11,示例路9号,住户,WUT-999\r\n").write(toFile: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["walkthrough", "--community", "wutongshan", "--seed", "1", "--workspace", ws.path])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("walkthrough/wutongshan/route.csv:12:13: error: 户号 WUT-999 is not in households.csv [walkthrough.unknown-household]"))
    }

    @Test func pdfNeedsChromiumAndSaysSoWhenItIsMissing() throws {
        let ws = try workspace()
        let missing = try CLI.run(
            ["walkthrough", "--community", "dongle", "--seed", "5", "--pdf", "--workspace", ws.path],
            environment: ["PATH": "/nonexistent"])
        #expect(missing.status == 69)
        #expect(missing.stderr.contains("not installed"))
        #expect(missing.stdout.contains("模拟检查单-种子5.html"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")))
    func pdfIsRenderedWithChromium() throws {
        let ws = try workspace()
        let result = try CLI.run(["walkthrough", "--community", "dongle", "--seed", "5", "--pdf", "--workspace", ws.path])
        #expect(result.status == 0, "\(result.stderr)")
        let pdf = ws.path + "/output/东湖街道-2014/04 东乐社区/99 模拟检查（内部资料）/模拟检查单-种子5.pdf"
        let data = try #require(FileManager.default.contents(atPath: pdf))
        #expect(data.starts(with: Array("%PDF".utf8)))
        #expect(data.count > 10_000)
    }

    @Test func mockResultsShowInStatusWithAnEstimatedScore() throws {
        let ws = try workspace()
        let record = ["mock", "record", "--community", "wutongshan", "--item", "01.06", "--result", "pass", "--by", "p03", "--workspace", ws.path]
        // A pass on an item whose folder holds nothing is refused (Chinese and English), and
        // --force needs a note.
        let empty = try CLI.run(record)
        #expect(empty.status == 65)
        #expect(empty.stderr.contains("没有任何资料，不能记为模拟检查通过") && empty.stderr.contains("a mock pass is refused") && empty.stderr.contains("[mock.pass-without-documents]"))
        let forced = try CLI.run(record + ["--force"])
        #expect(forced.status == 65 && forced.stderr.contains("[mock.force-without-note]"))
        // With a document in the item's folder, the pass is recorded.
        #expect(try CLI.run(["generate", "--workspace", ws.path]).status == 0)
        let binder = ws.path + "/output/东湖街道-2014/01 梧桐山社区/" + (try #require(try FileManager.default.contentsOfDirectory(atPath: ws.path + "/output/东湖街道-2014/01 梧桐山社区").first { $0.hasPrefix("01 ") }))
        let item = try #require(try FileManager.default.contentsOfDirectory(atPath: binder).first { $0.hasPrefix("01.06 ") })
        try Data("x".utf8).write(to: URL(fileURLWithPath: binder + "/" + item + "/2014年考核细则.pdf"))
        let pass = try CLI.run(record)
        #expect(pass.status == 0, "\(pass.stderr)")
        #expect(pass.stdout.hasPrefix("01.06 wutongshan: 通过（已抽验） · 预估得分 "))
        let fail = try CLI.run(["mock", "record", "--community", "wutongshan", "--item", "02.02", "--result", "fail", "--by", "p03", "--workspace", ws.path])
        #expect(fail.status == 0)
        let status = try CLI.run(["status", "--format", "json", "--community", "wutongshan", "--workspace", ws.path])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let unit = try #require((report["units"] as? [[String: Any]])?.first)
        #expect((unit["estimatedScore"] as? String)?.contains("/") == true)
        let counts = try #require(unit["counts"] as? [String: Any])
        // Flagged as the index flags them: 02.02 failed the mock inspection, and 01.06 passed
        // but no scan has seen a file in its folder (已勾选但无文件).
        #expect(counts["verified"] as? Int == 1 && counts["flagged"] as? Int == 2)
        let log = try CLI.run(["log", "--workspace", ws.path])
        #expect(log.stdout.contains("(模拟检查)"))
    }
}
