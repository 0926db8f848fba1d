import Foundation
import Synchronization
import Testing

/// The commands on a PostgreSQL tracker: selected with --db or TAIZHANG_DB.
@Suite struct PostgresCommandTests {
    /// #14 item 6: a server that is down is a clear error and exit 69 (EX_UNAVAILABLE), fast.
    @Test(arguments: [["status"], ["tick", "01.06", "--community", "wutongshan", "--by", "p13"]])
    func aServerThatIsDownExits69WithAClearMessage(_ command: [String]) throws {
        let ws = try WorkspaceCopy()
        let down = "postgres://taizhang@127.0.0.1:1/district"
        for (arguments, environment) in [(command + ["--db", down], [:]), (command, ["TAIZHANG_DB": down])] {
            let result = try CLI.run(arguments + ["--workspace", ws.path], environment: environment)
            #expect(result.status == 69, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("error: the PostgreSQL server \(down) is not available: "), "\(result.stderr)")
            #expect(result.stderr.hasSuffix("[tracker.unavailable]\n"))
        }
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/.taizhang"), "no SQLite file was made instead")
    }

    /// #14 item 6: eight processes ticking at once on one PostgreSQL street lose nothing.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TAIZHANG_TEST_POSTGRES"] != nil, "needs TAIZHANG_TEST_POSTGRES"))
    func eightProcessesTickingAtOnceLoseNothing() throws {
        let server = try #require(ProcessInfo.processInfo.environment["TAIZHANG_TEST_POSTGRES"])
        let ws = try WorkspaceCopy()
        // A street of its own on the shared test database.
        let street = "dh" + String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(8))
        try ws.edit("checklists/street.xml", replacing: "id=\"donghu\"", with: "id=\"\(street)\"")
        let communities = ["wutongshan", "dawang", "buxin", "dongle", "shilijia", "shiliyi", "shilibing", "shiliding"]
        let steps = [["tick", "01.06", "--status", "filed"], ["tick", "01.06"], ["tick", "06.02"], ["untick", "06.02"]]
        let failures = NSLock(), failed = UnsafeMutableFailures(), workspace = ws.path
        DispatchQueue.concurrentPerform(iterations: communities.count) { index in
            for step in steps {
                do {
                    let result = try CLI.run(step + ["--community", communities[index], "--by", "p03", "--workspace", workspace, "--db", server])
                    if result.status != 0 { failures.withLock { failed.items.append(result.stderr) } }
                } catch {
                    failures.withLock { failed.items.append("\(error)") }
                }
            }
        }
        #expect(failures.withLock { failed.items } == [])
        let log = try CLI.run(["log", "--workspace", ws.path, "--db", server])
        #expect(log.status == 0)
        let lines = log.stdout.split(separator: "\n")
        #expect(lines.count == communities.count * steps.count, "\(log.stdout)")
        for community in communities {
            #expect(lines.filter { $0.contains(" \(community) ") }.count == steps.count, "\(community)")
        }
    }

    /// #14: a read-only command whose server goes away midway (after opening, during its
    /// reads) ends like the writing commands, with `[tracker.unavailable]` and exit 69.
    @Test(
        .enabled(if: ProcessInfo.processInfo.environment["TAIZHANG_TEST_POSTGRES"] != nil && Psql.path != nil, "needs TAIZHANG_TEST_POSTGRES and psql"),
        .timeLimit(.minutes(1)), arguments: [["status"], ["log"]])
    func aReadOnlyCommandLosingTheServerMidwayExits69(_ command: [String]) throws {
        let server = try #require(ProcessInfo.processInfo.environment["TAIZHANG_TEST_POSTGRES"])
        let ws = try WorkspaceCopy()
        let street = "rd" + String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(8))
        try ws.edit("checklists/street.xml", replacing: "id=\"donghu\"", with: "id=\"\(street)\"")
        let db = ["--workspace", ws.path, "--db", server]
        #expect(try CLI.run(["tick", "01.06", "--community", "wutongshan", "--by", "p03"] + db).status == 0)
        // Another session locks the table the report reads first: the command opens, then waits.
        // (The lock is held a moment only: ticks of tests running alongside wait that long.)
        let table = command == ["log"] ? "event" : "item_status"
        let holderName = "holder-\(street)"
        let holder = try Psql.start(server + "?application_name=\(holderName)", "BEGIN; LOCK TABLE \(table) IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(20);")
        let releaseLock = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '\(holderName)'"
        defer {
            _ = try? Psql.query(server, releaseLock)
            holder.waitUntilExit()
        }
        let result = Mutex<CLI.Result?>(nil)
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let outcome = try? CLI.run(command + db)
            result.withLock { $0 = outcome }
            finished.signal()
        }
        // Once the command waits for its read, the server ends its connection.
        let waiting = "application_name LIKE 'taizhang/\(street)/%' AND wait_event_type = 'Lock'"
        var terminated = false
        for _ in 0..<200 where !terminated {
            Thread.sleep(forTimeInterval: 0.05)
            terminated = try Psql.query(server, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE \(waiting)") != "0"
        }
        _ = try Psql.query(server, releaseLock)
        #expect(terminated, "the command never waited for its read")
        #expect(finished.wait(timeout: .now() + 30) == .success, "the command did not end")
        let ended = try #require(result.withLock { $0 })
        #expect(ended.status == 69, "\(ended.stderr)")
        #expect(ended.stderr.hasPrefix("error: the PostgreSQL server "), "\(ended.stderr)")
        #expect(ended.stderr.hasSuffix("[tracker.unavailable]\n"), "\(ended.stderr)")
    }
}

/// The PostgreSQL client, to act on the test server from outside Taizhang.
enum Psql {
    static let path: String? = {
        let candidates =
            ["/usr/bin/psql"]
            + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).sorted().reversed().map {
                "/usr/lib/postgresql/\($0)/bin/psql"
            }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Runs `sql` in the background (a session that holds locks until it is terminated).
    static func start(_ server: String, _ sql: String, output: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(path))
        process.arguments = ["-X", "-q", "-A", "-t", "-d", server, "-c", sql]
        process.standardOutput = output ?? FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The single value `sql` returns.
    static func query(_ server: String, _ sql: String) throws -> String {
        let output = Pipe()
        let process = try start(server, sql, output: output)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Failures collected from concurrent processes (guarded by a lock).
final class UnsafeMutableFailures: @unchecked Sendable {
    var items: [String] = []
}
