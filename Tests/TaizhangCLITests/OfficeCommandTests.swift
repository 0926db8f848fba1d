import Foundation
import TaizhangTestSupport
import Testing

/// `export`, `import catalogue` and `pack --zip` as a user runs them.
@Suite struct OfficeCommandTests {
    static let fixtures = CLI.repository + "/Tests/TaizhangOfficeTests/Fixtures"

    @Test func exportWritesTheStatusWorkbookIntoThePackAndCSVWhereAsked() throws {
        let workspace = try WorkspaceCopy()
        let xlsx = try CLI.run(["export", "--what", "status", "--workspace", workspace.path])
        #expect(xlsx.status == 0, "\(xlsx.stderr)")
        #expect(xlsx.stdout == "output/东湖街道-2014-导出/状态.xlsx: 17 rows\n")
        #expect(FileManager.default.fileExists(atPath: workspace.path + "/output/东湖街道-2014-导出/状态.xlsx"))
        let csv = try CLI.run(["export", "--what", "catalogue", "--format", "csv", "--out", workspace.path + "/目录.csv", "--workspace", workspace.path])
        #expect(csv.status == 0, "\(csv.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: workspace.path + "/目录.csv"))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(String(decoding: bytes.dropFirst(3), as: UTF8.self).hasPrefix("项目,指标编号,指标名称,评估标准,分值,测评方式,层级,责任组,台账编号,台账资料,资料名称\r\n"))
    }

    @Test func importWritesAValidCategoryAndNeverOverwritesWithoutForce() throws {
        let workspace = try WorkspaceCopy()
        let arguments = ["import", "catalogue", Self.fixtures + "/catalogue-good.xlsx", "--out", workspace.path + "/checklists/catalogue/08-archives.xml", "--workspace", workspace.path]
        let first = try CLI.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(
            first.stdout
                == "checklists/catalogue/08-archives.xml: 2 indicators, 5 ledger items\nadd it to the catalogue in checklists/taizhang.xml: <xi:include href=\"catalogue/08-archives.xml\"/>\n"
        )
        #expect(first.stderr.contains("warning: the catalogue declares 100 points but its categories add up to 106.5 [checklist.points-mismatch]"))
        let written = try String(contentsOfFile: workspace.path + "/checklists/catalogue/08-archives.xml", encoding: .utf8)
        #expect(written.contains("<!-- Imported from catalogue-good.xlsx (Sheet1) by taizhang import catalogue. -->"))

        let again = try CLI.run(arguments)
        #expect(again.status == 65)
        #expect(again.stderr.hasPrefix("checklists/catalogue/08-archives.xml: error: the file exists; nothing was written [import.exists]\n    note: pass --force to replace it"))
        #expect(try CLI.run(arguments + ["--force"]).status == 0)
    }

    @Test func aBadTableWritesNothingAndNamesTheCells() throws {
        let workspace = try WorkspaceCopy()
        let out = workspace.path + "/checklists/catalogue/08-archives.xml"
        let result = try CLI.run(["import", "catalogue", Self.fixtures + "/catalogue-bad.xlsx", "--out", out, "--workspace", workspace.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("/Fixtures/catalogue-bad.xlsx:Sheet1!D5: error: this row continues indicator \"档案整理\" (row 3)"))
        #expect(result.stderr.contains("4 errors, 0 warnings"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func packZipHoldsThePackWithoutInternalFolders() throws {
        let workspace = try WorkspaceCopy()
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: workspace.path + "/templates")
        #expect(try CLI.run(["generate", "--workspace", workspace.path, "--community", "wutongshan"]).status == 0)
        let internalFolder = workspace.path + "/output/东湖街道-2014/01 梧桐山社区/99 模拟检查（内部资料）"
        try FileManager.default.createDirectory(atPath: internalFolder, withIntermediateDirectories: true)
        try Data("户主".utf8).write(to: URL(fileURLWithPath: internalFolder + "/模拟检查单.html"))
        let result = try CLI.run(["pack", "--zip", "--community", "wutongshan", "--workspace", workspace.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("output/东湖街道-2014.zip: "))
        let zip = workspace.path + "/output/东湖街道-2014.zip"
        guard let listing = try runUnzip(["-l", zip]) else {
            print("notice: unzip is not installed; the zip listing is not checked (.ci/run installs it)")
            return
        }
        #expect(listing.contains("东湖街道-2014/01 梧桐山社区/01 组织保障（目标管理责任）/00 封面.html") || listing.contains("东湖街道-2014/01 梧桐山社区/01 "))
        #expect(listing.contains("东湖街道-2014/SHA256SUMS.txt"))
        #expect(!listing.contains("内部资料") && !listing.contains("00 东湖街道计生科"))
        #expect(try CLI.run(["pack", "--workspace", workspace.path]).status == 64)
    }

    private func runUnzip(_ arguments: [String]) throws -> String? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unzip") else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
        process.arguments = arguments
        process.environment = ["LC_ALL": "C.UTF-8"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
