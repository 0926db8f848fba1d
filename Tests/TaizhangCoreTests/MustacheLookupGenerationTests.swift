import Foundation
import TaizhangTestSupport
import Testing

/// The explicit Mustache lookups (`*+Mustache.swift`) are generated from the view models by
/// Scripts/generate-mustache-lookups.py; these tests fail while a committed lookup is stale.
@Suite struct MustacheLookupGenerationTests {
    static let script = "Scripts/generate-mustache-lookups.py"
    static let models = [
        "Sources/TaizhangCore/Rendering/PageModels.swift",
        "Sources/TaizhangCore/Walkthrough/WalkthroughPage.swift",
        "Sources/TaizhangWeb/Views/WebViewModels.swift",
    ]

    /// python3 from PATH, else from the usual places (CI has it on PATH).
    static func python() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates =
            path.split(separator: ":").map { $0 + "/python3" }
            + ["/usr/bin/python3", "/usr/local/bin/python3", "/opt/homebrew/bin/python3"]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "python3 not found on PATH"])
        }
        return found
    }

    /// Runs the script in check mode in `root`; its exit code and output.
    static func check(root: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try python())
        process.arguments = [root + "/" + script, "--check"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func committedLookupsAreUpToDate() throws {
        let result = try Self.check(root: Paths.repository)
        #expect(result.status == 0, "run \(Self.script): \(result.output)")
    }

    /// The check mode itself: a field added to a model but not regenerated is reported.
    @Test func checkModeReportsAStaleLookup() throws {
        let copy = try TemporaryDirectory("lookups")
        let fm = FileManager.default
        for file in [Self.script] + Self.models + Self.models.map({ $0.replacingOccurrences(of: ".swift", with: "+Mustache.swift") }) {
            let target = copy.path + "/" + file
            try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try fm.copyItem(atPath: Paths.repository + "/" + file, toPath: target)
        }
        #expect(try Self.check(root: copy.path).status == 0)

        let model = copy.path + "/" + Self.models[0]
        let text = try String(contentsOfFile: model, encoding: .utf8)
        let stale = text.replacingOccurrences(of: "    var barWidth: Int\n", with: "    var barWidth: Int\n    var addedField: String\n")
        #expect(stale != text)
        try stale.write(toFile: model, atomically: true, encoding: .utf8)
        let result = try Self.check(root: copy.path)
        #expect(result.status == 1)
        #expect(result.output.contains("+        case \"addedField\": self.addedField"))
    }
}
