import Foundation
import Testing

/// `--help` of every command against a golden file in `Help/` (one per command). A changed
/// option or wording shows up as a diff here; `TAIZHANG_RECORD=1 swift test` re-records.
@Suite struct HelpSnapshotTests {
    static let commands: [[String]] = [
        [], ["validate"], ["generate"], ["tick"], ["untick"], ["tasks"], ["task"], ["task", "done"], ["task", "reopen"],
        ["task", "block"], ["status"], ["log"], ["walkthrough"], ["mock"], ["mock", "record"], ["serve"], ["user"],
        ["user", "add"], ["user", "passwd"], ["scan"], ["file"], ["changes"], ["print"], ["find"],
        ["init"], ["new-year"],
        ["export"], ["import"], ["import", "catalogue"], ["pack"],
    ]

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Help").path

    @Test(arguments: commands)
    func helpMatchesItsSnapshot(_ command: [String]) throws {
        let result = try CLI.run(command + ["--help"], environment: ["COLUMNS": "100"])
        #expect(result.status == 0, "\(result.stderr)")
        let file = Self.folder + "/" + (command.isEmpty ? "taizhang" : command.joined(separator: "-")) + ".txt"
        if ProcessInfo.processInfo.environment["TAIZHANG_RECORD"] == "1" {
            try FileManager.default.createDirectory(atPath: Self.folder, withIntermediateDirectories: true)
            try result.stdout.write(toFile: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: file, encoding: .utf8)
        #expect(result.stdout == expected, "help of `taizhang \(command.joined(separator: " "))` changed; review, then re-record with TAIZHANG_RECORD=1")
    }

    @Test func everyCommandHasASnapshot() throws {
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: Self.folder))
        let expected = Set(Self.commands.map { ($0.isEmpty ? "taizhang" : $0.joined(separator: "-")) + ".txt" })
        #expect(files == expected)
    }
}
