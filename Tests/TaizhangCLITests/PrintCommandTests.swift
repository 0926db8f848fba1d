import Foundation
import TaizhangTestSupport
import Testing

@Suite struct PrintCommandTests {
    func workspace() throws -> WorkspaceCopy {
        let ws = try WorkspaceCopy()
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: ws.path + "/templates")
        return ws
    }

    /// Without Chromium: the install hint and exit 69, nothing written.
    @Test func withoutChromiumPrintSaysWhatToInstallAndExits69() throws {
        let ws = try workspace()
        let empty = try TemporaryDirectory("path")
        let result = try CLI.run(["print", "--community", "wutongshan", "--workspace", ws.path], environment: ["PATH": empty.path])
        #expect(result.status == 69)
        #expect(result.stderr.contains("apt-get install chromium fonts-noto-cjk") && result.stderr.contains("[print.no-chromium]"))
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/output/东湖街道-2014/打印"))
    }

    @Test func anUnknownPartIsAUsageError() throws {
        let ws = try workspace()
        let result = try CLI.run(["print", "--what", "covers,posters", "--workspace", ws.path])
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown --what \"posters\""))
    }

    @Test(.enabled(if: ChromiumPrintTests.installed))
    func printWritesOneSectionPDFAndTheSpinesIntoThePrintFolder() throws {
        let ws = try workspace()
        let result = try CLI.run(["print", "--community", "wutongshan", "--what", "covers,catalogues,spines", "--workspace", ws.path])
        #expect(result.status == 0, "\(result.stderr)")
        let folder = ws.path + "/output/东湖街道-2014/打印"
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["01 梧桐山社区.pdf", "脊条.pdf"])
        #expect(result.stdout.split(separator: "\n").map { String($0.split(separator: "/").last ?? "") } == ["01 梧桐山社区.pdf", "脊条.pdf"])
        // Not a terminal: no progress line.
        #expect(result.stderr.isEmpty)
    }

    /// `find 例会` answers in one look: unit, box, item, folder and which document.
    @Test func findAnswersInOneLook() throws {
        let ws = try workspace()
        let result = try CLI.run(["find", "例会", "--community", "wutongshan", "--workspace", ws.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout == """
                梧桐山社区 · 第3盒/共7盒 制度建设 · 03.02 社区计生例会记录
                  文件夹：03 制度建设/03.02 社区计生例会记录
                  第1份：社区计生工作例会记录（应有 12 份）

                """)
        let none = try CLI.run(["find", "没有这个词", "--workspace", ws.path])
        #expect(none.status == 0 && none.stdout == "未找到“没有这个词”\n")
    }
}

enum ChromiumPrintTests {
    static let installed: Bool = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let found = path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/chromium") }
        if !found { print("notice: Chromium is not installed; skipping the print command's PDF test (apt-get install chromium fonts-noto-cjk)") }
        return found
    }()
}
