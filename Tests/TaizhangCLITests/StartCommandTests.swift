import Foundation
import TaizhangTestSupport
import Testing

/// `taizhang init` and `taizhang new-year`, end to end, run from a folder outside the checkout.
@Suite struct StartCommandTests {
    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func anEmptyWorkspaceValidatesAndGeneratesAtOnce() throws {
        let temporary = try TemporaryDirectory("init")
        let ws = temporary.path + "/新街道"
        let created = try CLI.run(["init", ws, "--empty", "--year", "2015"], in: temporary.path)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.hasPrefix("created \(ws): an empty workspace for 2015, "))
        for file in ["README.md", ".gitignore", "checklists/schema/taizhang.xsd", "checklists/catalogue/01-sample.xml", "templates/cover.mustache"] {
            #expect(FileManager.default.fileExists(atPath: ws + "/" + file), "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: ws + "/walkthrough"))
        #expect(try read(ws + "/README.md").contains("`checklists/street.xml` — 街道"))
        #expect(try read(ws + "/.gitignore").hasSuffix("\n.taizhang/\noutput/\narchive/\n"))
        #expect(try read(ws + "/checklists/street.xml").contains("year=\"2015\" periodStart=\"2014-10-01\" periodEnd=\"2015-09-30\""))
        let validate = try CLI.run(["validate", "--strict", "--workspace", ws], in: temporary.path)
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stderr == "0 errors, 0 warnings\n")
        let generate = try CLI.run(["generate", "--workspace", ws], in: temporary.path)
        #expect(generate.status == 0, "\(generate.stderr)")
        #expect(FileManager.default.fileExists(atPath: ws + "/output/示例街道-2015/index.html"))
    }

    @Test func theExampleIsTheDefaultAndValidates() throws {
        let temporary = try TemporaryDirectory("init")
        let ws = temporary.path + "/example"
        try FileManager.default.createDirectory(atPath: ws, withIntermediateDirectories: false)  // an empty folder is fine
        let created = try CLI.run(["init", ws], in: temporary.path)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.hasPrefix("created \(ws): the example workspace, "))
        #expect(try read(ws + "/checklists/street.xml") == (try read(Repository.root + "/checklists/street.xml")))
        #expect(FileManager.default.fileExists(atPath: ws + "/walkthrough/wutongshan/households.csv"))
        let validate = try CLI.run(["validate", "--workspace", ws], in: temporary.path)
        #expect(validate.status == 0, "\(validate.stderr)")
    }

    @Test func aFolderThatHoldsAnythingIsRefusedAndLeftAlone() throws {
        let temporary = try TemporaryDirectory("init")
        let ws = temporary.path + "/mine"
        try FileManager.default.createDirectory(atPath: ws, withIntermediateDirectories: false)
        try "我的文件".write(toFile: ws + "/notes.txt", atomically: true, encoding: .utf8)
        let refused = try CLI.run(["init", ws, "--empty"], in: temporary.path)
        #expect(refused.status == 65)
        #expect(
            refused.stderr
                == "\(ws): error: \(ws) is not empty; init never writes into a folder that holds files [init.not-empty]\n    note: choose a new folder, or an empty one\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: ws) == ["notes.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path) == ["mine"])
        let file = try CLI.run(["init", ws + "/notes.txt"], in: temporary.path)
        #expect(file.status == 65 && file.stderr.contains("is a file; init creates a new workspace folder [init.not-empty]"))
        let wrongSource = try CLI.run(["init", temporary.path + "/other", "--from", temporary.path], in: temporary.path)
        #expect(wrongSource.status == 65 && wrongSource.stderr.contains("[init.shipped-files]"))
        let yearOnExample = try CLI.run(["init", temporary.path + "/other", "--example", "--year", "2015"], in: temporary.path)
        #expect(yearOnExample.status == 64)
    }

    /// On PostgreSQL the (street, year) key keeps the years apart: `new-year` says so, and
    /// archives no database (it looked for a file named like the address before, silently).
    @Test func newYearOnPostgreSQLSaysTheServerKeepsTheYearsApart() throws {
        let temporary = try TemporaryDirectory("new-year-postgres")
        let ws = temporary.path + "/ws"
        #expect(try CLI.run(["init", ws], in: temporary.path).status == 0)
        let server = "postgres://taizhang:secret@127.0.0.1:1/district?sslmode=require"
        let result = try CLI.run(["new-year", "--year", "2015", "--dry-run", "--workspace", ws, "--db", server], in: temporary.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains(
                "tracker: postgres://taizhang@127.0.0.1:1/district keeps 2014's records under (donghu, 2014); "
                    + "2015 starts empty under (donghu, 2015), beside them; nothing is archived there\n"), "\(result.stdout)")
        #expect(!result.stdout.contains("archive: .taizhang") && !result.stdout.contains("secret"))
    }

    /// The example, with a tracker database and a pack, rolled on to 2015.
    @Test func newYearRollsTheDatesKeepsTheRestAndArchivesLastYear() throws {
        let temporary = try TemporaryDirectory("new-year")
        let ws = temporary.path + "/ws"
        #expect(try CLI.run(["init", ws], in: temporary.path).status == 0)
        #expect(try CLI.run(["tick", "01.06", "--community", "wutongshan", "--by", "p13", "--workspace", ws], in: temporary.path).status == 0)
        #expect(try CLI.run(["generate", "--workspace", ws], in: temporary.path).status == 0)
        let oldStreet = try read(ws + "/checklists/street.xml"), oldTasks = try read(ws + "/checklists/tasks.xml")

        let result = try CLI.run(["new-year", "--year", "2015", "--inspection-date", "2015-12-09", "--workspace", ws], in: temporary.path)
        #expect(result.status == 0, "\(result.stderr)")
        // Only the attribute values changed: comments, spacing and everything else are as written.
        #expect(
            try read(ws + "/checklists/street.xml")
                == oldStreet.replacingOccurrences(
                    of: "year=\"2014\" periodStart=\"2013-10-01\" periodEnd=\"2014-09-30\"\n        inspectionDate=\"2014-12-10\"",
                    with: "year=\"2015\" periodStart=\"2014-10-01\" periodEnd=\"2015-09-30\"\n        inspectionDate=\"2015-12-09\""))
        #expect(try read(ws + "/checklists/tasks.xml") == oldTasks.replacingOccurrences(of: "due=\"2014-", with: "due=\"2015-"))
        #expect(try read(ws + "/checklists/taizhang.xml").contains("<catalogue name=\"2015年度人口计生目标管理责任制考核台账目录\""))
        let organisation = try read(ws + "/checklists/catalogue/01-organisation.xml")
        #expect(organisation.contains("title=\"2014年度综治表彰通报\"") && organisation.contains("date=\"2015-06-15\""))
        #expect(result.stdout.contains("checklists/street.xml:16: street year 2014 → 2015\n"))
        #expect(result.stdout.contains("archive: output/东湖街道-2014 → archive/2014/东湖街道-2014\n"))
        #expect(result.stdout.contains("archive: .taizhang/tracker.sqlite → archive/2014/tracker.sqlite\n"))
        #expect(result.stdout.contains("moved 东湖街道 from 2014 to 2015: inspection day 2015-12-09, "))
        // What needs a human look: a due date now on a Saturday, sample markers, seed notes, last year's figures.
        #expect(result.stderr.contains("checklists/tasks.xml:18:45: warning: task due 2015-10-31 falls on a Saturday (星期六) [new-year.weekend]"))
        #expect(result.stderr.contains("sample=\"true\" markers still present (lines "))
        #expect(result.stderr.contains("[new-year.seed-note]"))
        #expect(result.stderr.contains("[new-year.figures]"))
        #expect(!result.stderr.contains("[new-year.inspection-date]"))
        // Last year's database and pack are archived, not deleted; the new year starts without them.
        #expect(FileManager.default.fileExists(atPath: ws + "/archive/2014/东湖街道-2014/index.html"))
        #expect(FileManager.default.fileExists(atPath: ws + "/archive/2014/tracker.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: ws + "/.taizhang/tracker.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: ws + "/output/东湖街道-2014"))
        let validate = try CLI.run(["validate", "--workspace", ws], in: temporary.path)
        #expect(validate.status == 0, "\(validate.stderr)")
        let archived = try CLI.run(["status", "--db", ws + "/archive/2014/tracker.sqlite", "--format", "json", "--workspace", ws], in: temporary.path)
        #expect(archived.status == 0 && archived.stdout.contains("\"ticked\" : 1"))
        let again = try CLI.run(["new-year", "--year", "2015", "--workspace", ws], in: temporary.path)
        #expect(again.status == 65 && again.stderr.contains("the workspace is already for 2015; new-year moves it to a later year, not to 2015 [new-year.year]"))
    }

    @Test func withoutAnInspectionDateLastYearsMovesOnAndIsReported() throws {
        let ws = try WorkspaceCopy()
        let before = try snapshot(ws.path)
        let dryRun = try CLI.run(["new-year", "--year", "2015", "--dry-run", "--workspace", ws.path])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("checklists/street.xml:17: street inspectionDate 2014-12-10 → 2015-12-10\n"))
        #expect(dryRun.stdout.contains("would move 东湖街道 from 2014 to 2015: inspection day 2015-12-10, "))
        #expect(try snapshot(ws.path) == before)
        let result = try CLI.run(["new-year", "--year", "2015", "--workspace", ws.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "checklists/street.xml:17:9: warning: inspection day 2015-12-10 is last year's moved by a year; correct it when the district announces the visit [new-year.inspection-date]"
            ))
        #expect(try read(ws.path + "/checklists/street.xml").contains("inspectionDate=\"2015-12-10\""))
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/archive"))  // nothing to archive
        #expect(try CLI.run(["validate", "--workspace", ws.path]).status == 0)
    }

    @Test func aRolloverThatWouldNotValidateChangesNothing() throws {
        let temporary = try TemporaryDirectory("new-year")
        let ws = temporary.path + "/ws"
        #expect(try CLI.run(["init", ws], in: temporary.path).status == 0)
        #expect(try CLI.run(["tick", "01.06", "--community", "wutongshan", "--by", "p13", "--workspace", ws], in: temporary.path).status == 0)
        let before = try snapshot(ws)
        // A task due 2015-10-31 would fall after an inspection day in January.
        let early = try CLI.run(["new-year", "--year", "2015", "--inspection-date", "2015-01-05", "--workspace", ws], in: temporary.path)
        #expect(early.status == 65)
        #expect(early.stderr.contains("checklists/tasks.xml:18:3: error: task t-g2-01 is due 2015-10-31, after inspection day (2015-01-05) [checklist.date-outside-period]"))
        #expect(early.stderr.hasSuffix("error: next year's checklists would not validate; nothing was changed [new-year.invalid]\n"))
        #expect(try snapshot(ws) == before)
        // An archived file of that name already exists: refused before anything moves.
        try FileManager.default.createDirectory(atPath: ws + "/archive/2014", withIntermediateDirectories: true)
        try "old".write(toFile: ws + "/archive/2014/tracker.sqlite", atomically: true, encoding: .utf8)
        let taken = try CLI.run(["new-year", "--year", "2015", "--workspace", ws], in: temporary.path)
        #expect(taken.status == 65)
        #expect(taken.stderr.contains("archive/2014/tracker.sqlite: error: already exists; new-year never overwrites an archived file [new-year.archive]"))
        try FileManager.default.removeItem(atPath: ws + "/archive")
        #expect(try snapshot(ws) == before)
    }

    /// Every file under `root` with its content (the tracker's -shm file varies and is left out).
    func snapshot(_ root: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue,
                !relative.hasSuffix("-shm"), !relative.hasSuffix("-wal")
            else { continue }
            files[relative] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + relative))
        }
        return files
    }
}
