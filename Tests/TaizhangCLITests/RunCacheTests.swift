import Foundation
import Testing

/// Issue #15: a regeneration with nothing changed is skipped whole (`RunCache`), and every kind
/// of change still leads to a full run that writes what changed.
@Suite struct RunCacheTests {
    static let skipped = "nothing changed since the last run"

    /// A seed workspace with templates, generated once.
    func generated() throws -> (WorkspaceCopy, CLI.Result) {
        let workspace = try WorkspaceCopy()
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: workspace.path + "/templates")
        let first = try generate(workspace)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.stdout.contains(Self.skipped))
        return (workspace, first)
    }

    func generate(_ workspace: WorkspaceCopy, _ extra: [String] = []) throws -> CLI.Result {
        try CLI.run(["generate", "--workspace", workspace.path] + extra)
    }

    var pack: String { "/output/东湖街道-2014" }

    @Test func anUnchangedRunIsSkippedAndSaysWhatAFullRunSays() throws {
        let (workspace, _) = try generated()
        let skipped = try generate(workspace)
        #expect(skipped.status == 0)
        #expect(skipped.stdout.contains(Self.skipped))
        #expect(skipped.stdout.contains("wrote 0 files (0 new, 0 changed)"))
        // The same run without the record: the same report, warnings included.
        try FileManager.default.removeItem(atPath: workspace.path + "/output/.taizhang-generate-cache.json")
        let full = try generate(workspace)
        #expect(!full.stdout.contains(Self.skipped))
        #expect(full.stdout + Self.skippedLine == skipped.stdout)
        #expect(full.stderr == skipped.stderr)
    }

    static var skippedLine: String { "nothing changed since the last run: the workspace was not read again\n" }

    @Test func aChangedChecklistIsReadAgainAndItsPagesRewritten() throws {
        let (workspace, _) = try generated()
        try workspace.edit("checklists/catalogue/01-organisation.xml", replacing: "计生工作专题会议资料", with: "计生工作专题会议资料（新）")
        let run = try generate(workspace)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains(Self.skipped))
        #expect(!run.stdout.contains("wrote 0 files"))
    }

    @Test func anInvalidWorkspaceIsNeverServedFromTheRecord() throws {
        let (workspace, _) = try generated()
        try workspace.edit("checklists/catalogue/01-organisation.xml", replacing: "code=\"01.02\"", with: "code=\"01.01\"")
        let run = try generate(workspace)
        #expect(run.status == 65)
        #expect(run.stderr.contains("duplicate item code 01.01"))
        #expect(!run.stdout.contains(Self.skipped))
    }

    @Test func aChangedTemplateRewritesItsPages() throws {
        let (workspace, _) = try generated()
        let cover = workspace.path + "/templates/cover.mustache"
        try (String(contentsOfFile: cover, encoding: .utf8) + "<!-- 新 -->\n").write(toFile: cover, atomically: true, encoding: .utf8)
        let run = try generate(workspace)
        #expect(!run.stdout.contains(Self.skipped))
        #expect(run.stdout.contains("changed)"))
        #expect(!run.stdout.contains("(0 new, 0 changed)"))
    }

    @Test func aFileDroppedIntoAnyFolderIsCounted() throws {
        let (workspace, _) = try generated()
        let unit = workspace.path + pack + "/01 梧桐山社区"
        let binder = try #require(FileManager.default.contentsOfDirectory(atPath: unit).sorted().first { $0.hasPrefix("01 ") })
        let item = try #require(FileManager.default.contentsOfDirectory(atPath: unit + "/" + binder).sorted().first { $0.hasPrefix("01.") })
        try "会议记录".write(toFile: unit + "/" + binder + "/" + item + "/新文件.txt", atomically: false, encoding: .utf8)
        let run = try generate(workspace)
        #expect(!run.stdout.contains(Self.skipped))
        // The unit's and the street's index.html and index.xml.
        #expect(run.stdout.contains("wrote 4 files (0 new, 4 changed)"))
        let index = try String(contentsOfFile: unit + "/index.html", encoding: .utf8)
        #expect(index.contains("新文件.txt"))
    }

    @Test func aDeletedPageIsWrittenAgain() throws {
        let (workspace, _) = try generated()
        try FileManager.default.removeItem(atPath: workspace.path + pack + "/01 梧桐山社区/00 脊条.html")
        let run = try generate(workspace)
        #expect(!run.stdout.contains(Self.skipped))
        #expect(run.stdout.contains("wrote 1 files (1 new, 0 changed)"))
        #expect(FileManager.default.fileExists(atPath: workspace.path + pack + "/01 梧桐山社区/00 脊条.html"))
    }

    @Test func aPageEditedInPlaceIsSeenAndKept() throws {
        let (workspace, _) = try generated()
        let page = workspace.path + pack + "/01 梧桐山社区/00 脊条.html"
        let original = try Data(contentsOf: URL(fileURLWithPath: page))
        usleep(50_000)  // the edit gets a file time of its own
        // Same size, same inode: only the page's own times tell.
        let handle = try #require(FileHandle(forWritingAtPath: page))
        try handle.write(contentsOf: Data("<!-- 手改 -->".utf8))
        try handle.close()
        let sameSize = try generate(workspace)
        #expect(!sameSize.stdout.contains(Self.skipped))
        #expect(try Data(contentsOf: URL(fileURLWithPath: page)) != original)
        // Longer: the full run also reports it, and keeps it.
        Thread.sleep(forTimeInterval: 1.1)  // a record is kept only when nothing else changed within a second of the run
        #expect(try generate(workspace).stdout.contains(Self.skipped))
        let appended = try FileHandle(forUpdating: URL(fileURLWithPath: page))
        try appended.seekToEnd()
        try appended.write(contentsOf: Data("<!-- 又改 -->".utf8))
        try appended.close()
        let longer = try generate(workspace)
        #expect(!longer.stdout.contains(Self.skipped))
        #expect(longer.stdout.contains("1 kept as edited"))
        #expect(longer.stderr.contains("[pack.kept-user-file]"))
    }

    @Test func aUserFileEditedInPlaceWithTheSameSizeRenamedOrDeletedIsSeen() throws {
        let (workspace, _) = try generated()
        let unit = workspace.path + pack + "/01 梧桐山社区"
        let binder = try #require(FileManager.default.contentsOfDirectory(atPath: unit).sorted().first { $0.hasPrefix("01 ") })
        let item = unit + "/" + binder + "/" + (try #require(FileManager.default.contentsOfDirectory(atPath: unit + "/" + binder).sorted().first { $0.hasPrefix("01.") }))
        /// Runs after `change`, which must be seen; then once more, which is skipped. A run
        /// keeps a record only when no file of the user's changed within a second of its start.
        func expectSeen(_ change: () throws -> Void) throws {
            try change()
            Thread.sleep(forTimeInterval: 1.1)
            #expect(!(try generate(workspace)).stdout.contains(Self.skipped))
            #expect(try generate(workspace).stdout.contains(Self.skipped))
        }
        try expectSeen { try "一二三四".write(toFile: item + "/会议记录.txt", atomically: false, encoding: .utf8) }
        try expectSeen {
            let handle = try #require(FileHandle(forWritingAtPath: item + "/会议记录.txt"))
            try handle.write(contentsOf: Data("五六七八".utf8))
            try handle.close()
        }
        try expectSeen { try FileManager.default.moveItem(atPath: item + "/会议记录.txt", toPath: item + "/会议纪要.txt") }
        #expect(try String(contentsOfFile: unit + "/index.html", encoding: .utf8).contains("会议纪要.txt"))
        try expectSeen { try FileManager.default.removeItem(atPath: item + "/会议纪要.txt") }
        #expect(try !String(contentsOfFile: unit + "/index.html", encoding: .utf8).contains("会议纪要.txt"))
    }

    @Test func aChangedStatusIsShown() throws {
        let (workspace, _) = try generated()
        let tick = try CLI.run(["tick", "01.06", "--community", "wutongshan", "--by", "p13", "--workspace", workspace.path])
        #expect(tick.status == 0, "\(tick.stderr)")
        let run = try generate(workspace)
        #expect(!run.stdout.contains(Self.skipped))
        #expect(!run.stdout.contains("wrote 0 files"))
        // And once more, unchanged: skipped again.
        #expect(try generate(workspace).stdout.contains(Self.skipped))
    }

    @Test func otherOptionsAreAnotherRun() throws {
        let (workspace, _) = try generated()
        let strict = try generate(workspace, ["--strict"])
        #expect(!strict.stdout.contains(Self.skipped))
        let one = try generate(workspace, ["--community", "wutongshan"])
        #expect(!one.stdout.contains(Self.skipped))
        #expect(try generate(workspace, ["--community", "wutongshan"]).stdout.contains(Self.skipped))
        // A dry run never uses the record: it lists what it would write.
        #expect(!(try generate(workspace, ["--dry-run"])).stdout.contains(Self.skipped))
    }

    @Test func aDamagedRecordOrManifestMeansAFullRun() throws {
        let (workspace, _) = try generated()
        try "{\"format\": 1".write(toFile: workspace.path + "/output/.taizhang-generate-cache.json", atomically: true, encoding: .utf8)
        let damagedRecord = try generate(workspace)
        #expect(damagedRecord.status == 0)
        #expect(!damagedRecord.stdout.contains(Self.skipped))
        #expect(damagedRecord.stdout.contains("wrote 0 files"))
        try "# taizhang manifest v1\nnonsense\n".write(toFile: workspace.path + pack + "/taizhang-manifest.tsv", atomically: true, encoding: .utf8)
        let damagedManifest = try generate(workspace)
        #expect(damagedManifest.status == 0)
        #expect(!damagedManifest.stdout.contains(Self.skipped))
    }
}
