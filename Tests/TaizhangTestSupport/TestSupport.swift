import Foundation

// Helpers shared by every test target (a normal library target that only test targets use).

/// Paths of the repository the tests run from.
public enum Repository {
    /// The repository root (this file is `Tests/TaizhangTestSupport/TestSupport.swift`).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    public static let schema = root + "/checklists/schema/taizhang.xsd"
    public static let templates = root + "/templates"
}

/// A temporary folder, removed when the value goes away.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "test") throws {
        path = NSTemporaryDirectory() + "taizhang-\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Copies the contents of `source` into this folder, replacing files of the same name.
    public func overlay(_ source: String) throws {
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

    /// Writes `content` to `relative`, creating its folders.
    public func write(_ relative: String, _ content: String) throws {
        let url = URL(fileURLWithPath: path + "/" + relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try content.write(to: url, atomically: true, encoding: .utf8)
    }
}
