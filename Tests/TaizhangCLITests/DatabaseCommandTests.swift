import Foundation
import Testing

/// The tracker database in unusual states: a folder in its place, read-only, backed up and restored.
@Suite struct DatabaseCommandTests {
    /// #18 item 9: every command that opens the tracker used to die with SIGILL here.
    @Test(arguments: [
        ["tick", "01.06", "--community", "wutongshan", "--by", "p13"],
        ["status"], ["log"], ["tasks"], ["generate", "--dry-run"], ["serve", "--port", "0"],
        ["backup", "--to", "/tmp/taizhang-never-written.sqlite"],
    ])
    func aFolderWhereTheDatabaseBelongsIsRefusedWithExit65(_ command: [String]) throws {
        let ws = try WorkspaceCopy()
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: ws.path + "/templates")
        try FileManager.default.createDirectory(atPath: ws.path + "/.taizhang/tracker.sqlite", withIntermediateDirectories: true)
        let result = try CLI.run(command + ["--workspace", ws.path])
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.hasPrefix(".taizhang/tracker.sqlite: error: this is a folder, not a tracker database file; it was left untouched — move it away or pass --db FILE [tracker.database]\n"))
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: ws.path + "/.taizhang/tracker.sqlite", isDirectory: &isFolder) && isFolder.boolValue)
    }

    /// The walkthrough treats a broken tracker database as `generate` does (#16): an error, no sheet.
    @Test func theWalkthroughRefusesAFolderWhereTheDatabaseBelongs() throws {
        let ws = try WorkspaceCopy()
        for folder in ["templates", "walkthrough"] {
            try FileManager.default.copyItem(atPath: CLI.repository + "/" + folder, toPath: ws.path + "/" + folder)
        }
        try FileManager.default.createDirectory(atPath: ws.path + "/.taizhang/tracker.sqlite", withIntermediateDirectories: true)
        let result = try CLI.run(["walkthrough", "--community", "wutongshan", "--seed", "7", "--workspace", ws.path])
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr == ".taizhang/tracker.sqlite: error: this is a folder, not a tracker database file; it was left untouched — move it away or pass --db FILE [tracker.database]\n")
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/output"))
    }

    /// #18 item 13: a database the user may only read (file and folder read-only) still
    /// answers the commands that only read; the ones that write say why they cannot.
    @Test func readOnlyCommandsWorkOnADatabaseTheUserMayNotWrite() throws {
        let ws = try WorkspaceCopy()
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: ws.path + "/templates")
        let tick = try CLI.run(["tick", "01.06", "--community", "wutongshan", "--by", "p13", "--workspace", ws.path])
        #expect(tick.status == 0, "\(tick.stderr)")
        let out = ws.path + "/readable-output"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
        let folder = ws.path + "/.taizhang"
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: folder + "/tracker.sqlite")
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder) }
        // Root may write anything; run as nobody then, who may only read.
        let launcher = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] : []
        for command in [["status"], ["log"], ["tasks"], ["generate", "--out", out]] {
            let result = try CLI.run(command + ["--workspace", ws.path], launcher: launcher)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        let log = try CLI.run(["log", "--workspace", ws.path], launcher: launcher)
        #expect(log.stdout.contains("wutongshan 01.06  未检查 → 已确认"))
        let refused = try CLI.run(["tick", "01.07", "--community", "wutongshan", "--by", "p13", "--workspace", ws.path], launcher: launcher)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("is read-only for this user; this command writes"), "\(refused.stderr)")
    }

    /// #18 item 12, as reported: the -wal deleted under a running server, then kill -9. The
    /// tick acknowledged before the deletion survives; the one after it is refused, not
    /// acknowledged and lost.
    @Test(.enabled(if: ServeEndToEndTests.curlPath != nil))
    func aTickAcknowledgedByTheServerSurvivesTheLogsDeletionAndKill9() throws {
        let ws = try WorkspaceCopy()
        let served = try SignedInServer(ws)
        defer { served.stop() }
        let (server, web, base, jar) = (served.process, served.web, served.base, served.jar)
        let token = try #require(web.csrf(in: try web.curl(jar + [base + "/items"])))
        func tick(_ item: String) throws -> String {
            try web.curl(
                jar + [
                    "-o", "/dev/null", "-w", "%{http_code}", "--data-urlencode", "csrf=\(token)", "--data-urlencode", "unit=wutongshan",
                    "--data-urlencode", "item=\(item)", "--data-urlencode", "status=ticked", base + "/items/tick",
                ])
        }
        #expect(try tick("01.06") == "303")
        try FileManager.default.removeItem(atPath: ws.path + "/.taizhang/tracker.sqlite-wal")
        #expect(try tick("01.07") != "303")
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        let log = try CLI.run(["log", "--workspace", ws.path])
        #expect(log.stdout.contains("wutongshan 01.06  未检查 → 已确认"), "\(log.stdout)\(log.stderr)")
        #expect(!log.stdout.contains("01.07"))
    }

    /// #15 item 4: every tick the server answered (303) is in the database after a kill -9
    /// that follows at once. Commits write the -wal file before they return (SQLite's
    /// synchronous=NORMAL in WAL mode, GRDB's default): the page cache keeps it when the
    /// process dies, so no acknowledged tick is lost.
    @Test(.enabled(if: ServeEndToEndTests.curlPath != nil))
    func everyTickTheServerAcknowledgedSurvivesKill9() throws {
        let ws = try WorkspaceCopy()
        let served = try SignedInServer(ws)
        defer { served.stop() }
        let (server, web, base, jar) = (served.process, served.web, served.base, served.jar)
        let page = try web.curl(jar + [base + "/items?unit=wutongshan"])
        let token = try #require(web.csrf(in: page))
        let codes = page.components(separatedBy: "id=\"item-").dropFirst().map { String($0.prefix { $0 != "\"" }) }.prefix(12)
        #expect(codes.count == 12)
        var acknowledged: [String] = []
        for (index, code) in codes.enumerated() {
            let status = index % 3 == 2 ? "filed" : "ticked"
            let answer = try web.curl(
                jar + [
                    "-o", "/dev/null", "-w", "%{http_code}", "--data-urlencode", "csrf=\(token)", "--data-urlencode", "unit=wutongshan",
                    "--data-urlencode", "item=\(code)", "--data-urlencode", "status=\(status)", base + "/items/tick",
                ])
            if answer == "303" { acknowledged.append("wutongshan \(code)  未检查 → \(status == "filed" ? "已归档" : "已确认")") }
        }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        #expect(acknowledged.count == codes.count)
        let log = try CLI.run(["log", "--workspace", ws.path])
        for line in acknowledged { #expect(log.stdout.contains(line), "\(line)") }
        #expect(log.stdout.split(separator: "\n").count == acknowledged.count + 1)  // and the account's event
    }

    /// #18 item 12: backup while in use, restore keeping the replaced database.
    @Test func backupAndRestoreRoundTrip() throws {
        let ws = try WorkspaceCopy()
        _ = try CLI.run(["tick", "01.06", "--community", "wutongshan", "--by", "p13", "--workspace", ws.path])
        let backup = ws.path + "/backup.sqlite"
        let made = try CLI.run(["backup", "--to", backup, "--workspace", ws.path])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout == "backed up \(ws.path)/.taizhang/tracker.sqlite to \(backup)\n")
        let again = try CLI.run(["backup", "--to", backup, "--workspace", ws.path])
        #expect(again.status == 65)
        #expect(again.stderr == "backup.sqlite: error: already exists; a backup never overwrites a file — choose a new name [tracker.database]\n")

        _ = try CLI.run(["tick", "01.07", "--community", "wutongshan", "--by", "p13", "--workspace", ws.path])
        let restored = try CLI.run(["restore", backup, "--workspace", ws.path])
        #expect(restored.status == 0, "\(restored.stderr)")
        let lines = restored.stdout.split(separator: "\n")
        #expect(lines.first == "restored \(ws.path)/.taizhang/tracker.sqlite from \(backup)")
        let kept = try #require(lines.last?.split(separator: " ").last.map(String.init))
        #expect(kept.hasPrefix(ws.path + "/.taizhang/tracker-before-restore-") && kept.hasSuffix(".sqlite"))
        let log = try CLI.run(["log", "--workspace", ws.path])
        #expect(log.stdout.contains("01.06") && !log.stdout.contains("01.07"))
        let before = try CLI.run(["log", "--db", kept, "--workspace", ws.path])
        #expect(before.stdout.contains("01.07"))

        let notABackup = ws.path + "/checklists/taizhang.xml"
        let refused = try CLI.run(["restore", notABackup, "--workspace", ws.path])
        #expect(refused.status == 65)
        #expect(refused.stderr == "checklists/taizhang.xml: error: not a Taizhang tracker database (not even SQLite); nothing was restored [tracker.database]\n")
    }
}

/// `taizhang serve` on a copy of the default workspace, with p13 signed in through the real form
/// (curl and a cookie jar), for the kill -9 tests above.
struct SignedInServer {
    let process: Process
    let web = ServeEndToEndTests()
    let base: String
    let jar: [String]

    init(_ ws: WorkspaceCopy) throws {
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: ws.path + "/templates")
        #expect(try CLI.run(["user", "add", "p13", "--password-stdin", "--workspace", ws.path], stdin: "s3cret-pass\n").status == 0)
        let port = Int.random(in: 40_001...60_000)
        process = try CLI.start(["serve", "--host", "127.0.0.1", "--port", String(port), "--workspace", ws.path])
        base = "http://127.0.0.1:\(port)"
        jar = ["-c", ws.path + "/jar", "-b", ws.path + "/jar"]
        var login = ""
        for _ in 0..<100 where web.csrf(in: login) == nil {
            Thread.sleep(forTimeInterval: 0.2)
            login = (try? web.curl(jar + [base + "/login"])) ?? ""
        }
        guard let loginToken = web.csrf(in: login) else {
            stop()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "server did not start"])
        }
        do {
            _ = try web.curl(jar + ["--data-urlencode", "csrf=\(loginToken)", "--data-urlencode", "person=p13", "--data-urlencode", "password=s3cret-pass", base + "/login"])
        } catch {
            stop()
            throw error
        }
    }

    /// Ends the server (kill -9) unless a test already did.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
