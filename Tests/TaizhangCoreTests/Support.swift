import Foundation
import TaizhangCore
import TaizhangDiagnostics

/// Paths of the repository and of this target's fixtures.
enum Paths {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = here.appendingPathComponent("Fixtures").path
    static let repository = here.deletingLastPathComponent().deletingLastPathComponent().path
    static let schema = repository + "/checklists/schema/taizhang.xsd"
    static let small = fixtures + "/small"
}

/// A temporary folder, removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init(_ label: String = "test") throws {
        path = NSTemporaryDirectory() + "taizhang-\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Copies the contents of `source` into this folder, replacing files of the same name.
    func overlay(_ source: String) throws {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: source) else { return }
        for case let relative as String in walker {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: source + "/" + relative, isDirectory: &isDirectory) else { continue }
            let target = path + "/" + relative
            if isDirectory.boolValue {
                try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
            } else {
                if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
                try fm.copyItem(atPath: source + "/" + relative, toPath: target)
            }
        }
    }

    func write(_ relative: String, _ content: String) throws {
        let url = URL(fileURLWithPath: path + "/" + relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try content.write(to: url, atomically: true, encoding: .utf8)
    }
}

/// Loads a workspace with the repository's schema.
func load(_ root: String) -> WorkspaceLoader.Result {
    WorkspaceLoader(root: root, schemaFile: Paths.schema).load()
}

/// Diagnostics as the CLI prints them, relative to the workspace.
func rendered(_ diagnostics: [Diagnostic], root: String) -> [String] {
    diagnostics.sortedByLocation().map { $0.rendered(relativeTo: root) }
}

/// A fixture folder's case: the small workspace overlaid with the folder's files (without its
/// `expected.txt`), and the lines of that `expected.txt`.
func fixtureCase(_ folder: String, label: String) throws -> (workspace: TemporaryDirectory, expected: [String]) {
    let workspace = try TemporaryDirectory(label)
    try workspace.overlay(Paths.small)
    try workspace.overlay(folder)
    try? FileManager.default.removeItem(atPath: workspace.path + "/expected.txt")
    let expected = try String(contentsOfFile: folder + "/expected.txt", encoding: .utf8)
        .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    return (workspace, expected)
}

/// Diagnostics as the CLI prints them, one printed line per element (notes on their own lines).
func renderedLines(_ diagnostics: [Diagnostic], root: String) -> [String] {
    rendered(diagnostics, root: root).flatMap { $0.split(separator: "\n").map(String.init) }
}
