import Foundation
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
}

/// Failures collected from concurrent processes (guarded by a lock).
final class UnsafeMutableFailures: @unchecked Sendable {
    var items: [String] = []
}
