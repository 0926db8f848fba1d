import Foundation
import Testing

@Suite struct ValidateCommandTests {
    @Test func theShippedWorkspaceValidatesClean() throws {
        let result = try CLI.run(["validate"])
        #expect(result.status == 0)
        #expect(result.stderr == "0 errors, 0 warnings\n")
    }

    @Test func aHandBrokenFileGetsAClickableDiagnosticAndExit65() throws {
        let workspace = try WorkspaceCopy()
        try workspace.edit("checklists/catalogue/03-rules.xml", replacing: "code=\"03.02\"", with: "code=\"03.01\"")
        try workspace.edit("checklists/tasks.xml", replacing: "id=\"t-g4-01\" group=\"g4\" owner=\"p03\"", with: "id=\"t-g4-01\" group=\"g4\" owner=\"p99\"")
        let result = try CLI.run(["validate", "--workspace", workspace.path])
        #expect(result.status == 65)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("checklists/catalogue/03-rules.xml:") && $0.hasSuffix("error: duplicate item code 03.01 [checklist.duplicate-code]") })
        #expect(lines.contains { $0.hasPrefix("checklists/tasks.xml:") && $0.contains("refers to unknown person \"p99\"") })
        #expect(lines.last == "2 errors, 0 warnings")
    }

    @Test func warningsFailOnlyWithStrict() throws {
        let workspace = try WorkspaceCopy()
        try workspace.edit("checklists/catalogue/05-publicity.xml", replacing: "title=\"综合治理性别比工作方案\"", with: "title=\"综合治理:性别比工作方案\"")
        let lenient = try CLI.run(["validate", "--workspace", workspace.path])
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("warning:"))
        let strict = try CLI.run(["validate", "--workspace", workspace.path, "--strict"])
        #expect(strict.status == 65)
    }

    @Test func usageErrorsExit64() throws {
        let result = try CLI.run(["validate", "--no-such-option"])
        #expect(result.status == 64)
    }

    @Test func aMissingWorkspaceIsOneLine() throws {
        let result = try CLI.run(["validate", "--workspace", "/nonexistent"])
        #expect(result.status == 65)
        #expect(result.stderr.split(separator: "\n").first == "error: no workspace at /nonexistent; pass --workspace DIR, the folder that holds checklists/taizhang.xml [workspace.missing]")
    }
}

/// The commands report problems only through `DiagnosticsEngine` and name exit codes once.
@Suite struct OneDiagnosticsPathTests {
    @Test func noCommandFormatsAnErrorLineOrAnExitCodeItself() throws {
        let folder = CLI.repository + "/Sources/taizhang"
        var offenders: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where name.hasSuffix(".swift") && name != "DiagnosticsEngine.swift" {
            let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains("\"error:") || line.contains("\"warning:") || line.contains("ExitCode(") {
                offenders.append("\(name):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(offenders == [])
    }
}
