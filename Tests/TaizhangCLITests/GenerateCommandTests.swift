import Foundation
import Testing

@Suite struct GenerateCommandTests {
    @Test func generatesTheSeedStreetPackAndASecondRunChangesNothing() throws {
        let workspace = try WorkspaceCopy()
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: workspace.path + "/templates")
        let first = try CLI.run(["generate", "--workspace", workspace.path])
        #expect(first.status == 0, "\(first.stderr)")
        let pack = workspace.path + "/output/东湖街道-2014"
        let units = try FileManager.default.contentsOfDirectory(atPath: pack).filter { !$0.contains(".") }.sorted()
        #expect(units.count == 10)
        #expect(units.first == "00 东湖街道计生科")
        #expect(units.contains("01 梧桐山社区"))
        #expect(first.stdout.contains("0 unchanged"))
        let second = try CLI.run(["generate", "--workspace", workspace.path])
        #expect(second.status == 0)
        #expect(second.stdout.contains("wrote 0 files"))
    }

    @Test func invalidDefinitionsWriteNothing() throws {
        let workspace = try WorkspaceCopy()
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: workspace.path + "/templates")
        try workspace.edit("checklists/catalogue/01-organisation.xml", replacing: "code=\"01.02\"", with: "code=\"01.01\"")
        let result = try CLI.run(["generate", "--workspace", workspace.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("duplicate item code 01.01"))
        #expect(!FileManager.default.fileExists(atPath: workspace.path + "/output"))
    }

    @Test func aBrokenTemplateIsReportedAndNothingIsWritten() throws {
        let workspace = try WorkspaceCopy()
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: workspace.path + "/templates")
        try "{{#items}}".write(toFile: workspace.path + "/templates/cover.mustache", atomically: true, encoding: .utf8)
        let result = try CLI.run(["generate", "--workspace", workspace.path])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("templates/cover.mustache:1:"))
        #expect(!FileManager.default.fileExists(atPath: workspace.path + "/output"))
    }

    /// Issue #15: the figures' warnings name checklists/figures.xml as every other diagnostic
    /// does, relative to the workspace, not by its absolute path; the pack's own stay relative to the pack.
    @Test func figureWarningsAreRelativeToTheWorkspace() throws {
        let workspace = try WorkspaceCopy()
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: workspace.path + "/templates")
        try FileManager.default.createDirectory(atPath: workspace.path + "/output/东湖街道-2014/01 旧文件夹", withIntermediateDirectories: true)
        try "x".write(toFile: workspace.path + "/output/东湖街道-2014/01 旧文件夹/a.txt", atomically: false, encoding: .utf8)
        let result = try CLI.run(["generate", "--workspace", workspace.path])
        #expect(result.status == 0, "\(result.stderr)")
        let figures = result.stderr.split(separator: "\n").filter { $0.contains("[figures.") }
        #expect(figures.count == 5)
        #expect(figures.allSatisfy { $0.hasPrefix("checklists/figures.xml:") }, "\(figures)")
        #expect(!result.stderr.contains(workspace.path))
        #expect(result.stderr.contains("01 旧文件夹: warning: 01 旧文件夹 is no longer in the catalogue"))
    }

    @Test func anUnknownCommunityIsAUsageError() throws {
        let result = try CLI.run(["generate", "--community", "atlantis", "--dry-run"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown community \"atlantis\""))
    }
}

/// Issue #15: long commands show a progress line on a terminal, and nothing of it elsewhere.
@Suite struct ProgressLineTests {
    @Test func generateShowsProgressOnATerminalOnly() throws {
        let workspace = try WorkspaceCopy()
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: workspace.path + "/templates")
        let piped = try CLI.run(["generate", "--workspace", workspace.path])
        #expect(piped.status == 0)
        #expect(!piped.stderr.contains("\u{1B}") && !piped.stderr.contains("生成 "))
        // `script` gives the command a pseudo-terminal for its output.
        try FileManager.default.removeItem(atPath: workspace.path + "/output")
        let terminal = try CLI.run(
            ["generate", "--workspace", workspace.path], launcher: ["/bin/sh", "-c", #"exec /usr/bin/script -qec "'$0' $*" /dev/null"#])
        #expect(terminal.status == 0)
        #expect(terminal.stdout.contains("生成 10/10 "))
        #expect(terminal.stdout.contains("\u{1B}[2K\r"))
    }
}
