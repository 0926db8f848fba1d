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
