import Foundation
import Testing

/// Compares a generated tree with a committed golden tree, file by file.
///
/// On mismatch it reports a unified diff per file (via `diff -u`). Set `TAIZHANG_RECORD=1` to
/// re-record the golden tree from the current output.
enum Golden {
    static var recording: Bool { ProcessInfo.processInfo.environment["TAIZHANG_RECORD"] == "1" }

    /// Every regular file below `root`, relative, sorted.
    static func files(in root: String) -> [String] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: root) else { return [] }
        var result: [String] = []
        for case let path as String in walker {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue { result.append(path) }
        }
        return result.sorted()
    }

    static func compare(actual: String, golden: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fm = FileManager.default
        if recording {
            try? fm.removeItem(atPath: golden)
            try fm.createDirectory(atPath: URL(fileURLWithPath: golden).deletingLastPathComponent().path, withIntermediateDirectories: true)
            try fm.copyItem(atPath: actual, toPath: golden)
            return
        }
        let actualFiles = files(in: actual), goldenFiles = files(in: golden)
        #expect(actualFiles == goldenFiles, "file lists differ; re-record with TAIZHANG_RECORD=1 if intended", sourceLocation: sourceLocation)
        for file in Set(actualFiles).intersection(goldenFiles).sorted() {
            let a = fm.contents(atPath: actual + "/" + file), g = fm.contents(atPath: golden + "/" + file)
            if a != g {
                Issue.record("\(file) differs from the golden copy:\n\(diff(golden + "/" + file, actual + "/" + file))", sourceLocation: sourceLocation)
            }
        }
    }

    static func diff(_ a: String, _ b: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        process.arguments = ["-u", a, b]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return "(diff not available)" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data.prefix(20_000), as: UTF8.self)
    }
}
