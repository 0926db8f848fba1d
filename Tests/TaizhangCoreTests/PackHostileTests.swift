import Foundation
import TaizhangDiagnostics
import TaizhangTestSupport
import Testing

@testable import TaizhangCore

/// Hostile packs from the hardening review (issue #18 items 2, 3 and 7; #16 "removals that failed").
@Suite struct PackHostileTests {
    func generate(_ fixture: PackFixture, _ workspace: Workspace, stopAfterCommits: Int? = nil) -> PackGenerator.Result {
        var options = PackGenerator.Options(outputRoot: fixture.output.path)
        options.stopAfterCommits = stopAfterCommits
        return PackGenerator(workspace: workspace, templates: fixture.templates).generate(options)
    }

    @Test func manifestPathsOutsideThePackAreRefusedAndNeverDeleted() throws {
        let fixture = try PackFixture()
        fixture.generate()
        let victim = fixture.output.path + "/victim/victim.txt"
        try fixture.output.write("victim/victim.txt", "precious")
        let hash = Manifest.sha256(Array("precious".utf8))
        let manifestPath = fixture.packRoot + "/" + GeneratedName.manifest
        var text = try String(contentsOfFile: manifestPath, encoding: .utf8)
        text += "\(hash)\t8\t../victim/victim.txt\n\(hash)\t8\t\(victim)\n\(hash)\t8\t01 东社区/./x\n"
        try text.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        let result = fixture.generate()
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        #expect(result.report.removed.isEmpty)
        #expect(
            result.diagnostics.filter { $0.id == "pack.manifest-path-refused" }.map(\.message) == [
                "ignored \"../victim/victim.txt\" in taizhang-manifest.tsv: not a path inside the pack; nothing there was touched",
                "ignored \"\(victim)\" in taizhang-manifest.tsv: not a path inside the pack; nothing there was touched",
                "ignored \"01 东社区/./x\" in taizhang-manifest.tsv: not a path inside the pack; nothing there was touched",
            ])
        #expect(!(try String(contentsOfFile: manifestPath, encoding: .utf8)).contains("victim"))
    }

    /// The catalogue with every indicator's standard changed: item sheets change in place.
    func changedStandards(_ fixture: PackFixture) -> Workspace {
        var changed = fixture.workspace
        for c in changed.catalogue.categories.indices {
            for i in changed.catalogue.categories[c].indicators.indices {
                changed.catalogue.categories[c].indicators[i].standard += "（修订）"
            }
        }
        return changed
    }

    @Test func aRunKilledHalfWayLeavesNoPageStuckAsEdited() throws {
        let fixture = try PackFixture()
        fixture.generate()
        let crashed = generate(fixture, changedStandards(fixture), stopAfterCommits: 5)
        #expect(crashed.report.written == 5)
        #expect(FileManager.default.fileExists(atPath: fixture.packRoot + "/" + PackWriter.journalName))
        // Leftovers of interrupted atomic writes in a folder the crashed run was writing.
        let firstWritten = try #require(crashed.report.updated.first)
        let folder = (fixture.packRoot + "/" + firstWritten as NSString).deletingLastPathComponent
        try "half".write(toFile: folder + "/.dat.nosync1a2b", atomically: false, encoding: .utf8)
        try "half".write(toFile: folder + "/" + PackWriter.temporaryPrefix + "x", atomically: false, encoding: .utf8)

        let rerun = fixture.generate()  // the change reverted
        #expect(rerun.report.keptEdited == [])
        #expect(rerun.report.updated.count == 5)
        #expect(rerun.diagnostics.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: fixture.packRoot + "/" + PackWriter.journalName))
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".") }
        #expect(left == [])
        #expect(fixture.generate().report.written == 0)
    }

    @Test func aKilledRunThenASubsetRunStillKnowsTheOtherPages() throws {
        let fixture = try PackFixture()
        fixture.generate()
        let crashed = generate(fixture, changedStandards(fixture), stopAfterCommits: 3)
        #expect(crashed.report.written == 3)
        fixture.generate(communities: ["west"])
        let rerun = fixture.generate()
        #expect(rerun.report.keptEdited == [])
    }

    @Test func aSymlinkedItemFolderIsReportedAndNothingIsWrittenThrough() throws {
        let fixture = try PackFixture()
        fixture.generate()
        let outside = try TemporaryDirectory("outside")
        let item = fixture.packRoot + "/01 东社区/01 组织保障/01.03 股份公司责任书"
        try FileManager.default.removeItem(atPath: item)
        try FileManager.default.createSymbolicLink(atPath: item, withDestinationPath: outside.path)
        let result = generate(fixture, changedStandards(fixture))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path) == [])
        #expect(result.report.refusedLinks == ["01 东社区/01 组织保障/01.03 股份公司责任书/00 说明.html"])
        #expect(
            result.diagnostics.filter { $0.id == "pack.symbolic-link" }.map { $0.rendered(relativeTo: fixture.packRoot) } == [
                "01 东社区/01 组织保障/01.03 股份公司责任书: warning: did not write 01 东社区/01 组织保障/01.03 股份公司责任书/00 说明.html: 01 东社区/01 组织保障/01.03 股份公司责任书 is a symbolic link, and Taizhang never follows links in a pack; replace it with a real folder [pack.symbolic-link]"
            ])
    }

    @Test func aRemovalThatFailsIsReported() throws {
        let fixture = try PackFixture()
        fixture.generate()
        let writer = PackWriter(packRoot: fixture.packRoot, dryRun: false)
        writer.removeFile = { _ in throw CocoaError(.fileWriteNoPermission) }
        writer.removeStale(inScope: { $0.hasPrefix("00 ") }, planned: [])
        #expect(writer.report.removed == [])
        #expect(writer.report.removalsFailed.count > 5)
        #expect(writer.diagnostics.map(\.id) == Array(repeating: "pack.remove-failed", count: writer.report.removalsFailed.count))
        #expect(FileManager.default.fileExists(atPath: fixture.packRoot + "/" + writer.report.removalsFailed[0]))
    }

    @Test func theFirstOrphanWarningCountsOnlyTheUsersFiles() throws {
        let fixture = try PackFixture()
        fixture.generate()
        try fixture.output.write("测试街道-2014/01 东社区/02 数据管理/02.01 派出所四项变动排查/1月.pdf", "pdf")
        var workspace = fixture.workspace
        workspace.catalogue.categories.removeLast()
        let result = generate(fixture, workspace)
        #expect(
            result.diagnostics.filter { $0.id == "pack.orphaned-folder" }.map(\.message) == [
                "01 东社区/02 数据管理 is no longer in the catalogue but holds 1 of your files; it was kept"
            ])
    }

    @Test func anOutputThatIsAFileGivesOneError() throws {
        let fixture = try PackFixture()
        try fixture.output.write("not-a-folder", "x")
        let result = PackGenerator(workspace: fixture.workspace, templates: fixture.templates)
            .generate(.init(outputRoot: fixture.output.path + "/not-a-folder"))
        #expect(
            result.diagnostics.map { $0.rendered(relativeTo: fixture.output.path) } == [
                "not-a-folder: error: \(fixture.output.path)/not-a-folder is a file, not a folder, so the pack cannot be written there; choose another --out [pack.not-a-folder]"
            ])
        #expect(result.report.written == 0)
    }
}
