import Foundation
import Testing

@Suite struct EvidenceCommandTests {
    @Test func hundredsOfDroppedFilesAreSortedWithReasonsScannedAndChangesReported() throws {
        let ws = try WorkspaceCopy()
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: ws.path + "/templates")
        #expect(try CLI.run(["generate", "--workspace", ws.path]).status == 0)
        let incoming = ws.path + "/incoming"
        try FileManager.default.createDirectory(atPath: incoming, withIntermediateDirectories: true)
        var names: [String] = []
        for (year, month) in [(2013, 10), (2013, 11), (2013, 12), (2014, 1), (2014, 2), (2014, 3), (2014, 4), (2014, 5), (2014, 6)] {
            names += ["\(year)年\(month)月派出所四项变动排查记录.pdf", "\(year)年\(month)月计生协会活动记录.docx", "\(year)年\(month)月社康四术信息排查.xlsx"]
        }
        for i in 1...60 { names.append("扫描件\(i).pdf") }
        for i in 1...60 { names.append("帮扶资金发放表-\(i).xlsx") }
        for i in 1...60 { names.append("IMG_\(2000 + i).JPG") }
        for name in names { try "内容 \(name)".write(toFile: incoming + "/" + name, atomically: true, encoding: .utf8) }
        #expect(names.count > 200)

        let dry = try CLI.run(["file"] + names.map { incoming + "/" + $0 } + ["--community", "wutongshan", "--dry-run", "--workspace", ws.path])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("2014年3月派出所四项变动排查记录.pdf would go to 06 数据管理/06.07 派出所四项变动排查/2014年3月派出所四项变动排查记录.pdf  [06.07：文件名含"))
        #expect(dry.stdout.contains("IMG_2001.JPG would go to 待分拣/IMG_2001.JPG  [没有匹配的台账条目]"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: incoming).count == names.count)

        let real = try CLI.run(["file"] + names.map { incoming + "/" + $0 } + ["--community", "wutongshan", "--workspace", ws.path])
        #expect(real.status == 0)
        let summary = try #require(real.stdout.split(separator: "\n").last)
        #expect(summary.hasSuffix(", 0 failed"))
        let filed = try #require(Int(summary.split(separator: " ")[0]))
        #expect(filed >= 80)
        #expect(try FileManager.default.contentsOfDirectory(atPath: incoming).isEmpty)

        let scan = try CLI.run(["scan", "--workspace", ws.path])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(scan.stdout.contains("梧桐山社区 06.07 派出所四项变动排查  9/12  缺：2014年7月、2014年8月、2014年9月"))
        // Documents in 待分拣 are not in any item yet, so the scan counts the filed ones.
        #expect(scan.stdout.contains("scan 1: \(filed) documents, \(filed) new"))

        let pack = ws.path + "/output/东湖街道-2014/01 梧桐山社区"
        try "改过".write(toFile: pack + "/06 数据管理/06.07 派出所四项变动排查/2014年3月派出所四项变动排查记录.pdf", atomically: true, encoding: .utf8)
        let rescan = try CLI.run(["scan", "--workspace", ws.path])
        #expect(rescan.stdout.contains("已改动  01 梧桐山社区/06 数据管理/06.07 派出所四项变动排查/2014年3月派出所四项变动排查记录.pdf"))
        #expect(rescan.stdout.contains("1 hashed, \(filed - 1) unchanged not re-read"))
        let changes = try CLI.run(["changes", "--workspace", ws.path])
        #expect(changes.stdout.contains("01 梧桐山社区：新增 0，改动 1，缺失 0"))
        let html = try CLI.run(["changes", "--format", "html", "--workspace", ws.path])
        #expect(html.stdout.contains("<h2>01 梧桐山社区</h2>"))
    }
}
