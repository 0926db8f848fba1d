import Foundation
import TaizhangDiagnostics

/// `taizhang init`: a new workspace in a new (or empty) folder, either the shipped example or a
/// skeleton that validates at once. Built in a hidden sibling folder and renamed into place, so
/// the folder appears complete or not at all; a folder that holds anything is refused.
public enum WorkspaceStarter {
    public enum Content: String, Sendable, CaseIterable {
        /// The shipped example street (东湖街道, 2014) with its whole catalogue.
        case example
        /// One community, one group, one category with one sample indicator and item.
        case empty
    }

    /// Creates the workspace and returns the files written, relative to `target`, sorted.
    public static func create(at target: String, content: Content, shipped: ShippedFiles, year: Int) throws(Diagnostic) -> [String] {
        let target = URL(fileURLWithPath: target).standardizedFileURL.path
        let location = SourceLocation(file: target)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: target, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw .error("init.not-empty", "\(target) is a file; init creates a new workspace folder", at: location)
            }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? ["?"]
            guard entries.isEmpty else {
                throw .error(
                    "init.not-empty", "\(target) is not empty; init never writes into a folder that holds files",
                    at: location, notes: ["choose a new folder, or an empty one"])
            }
        }
        let parent = URL(fileURLWithPath: target).deletingLastPathComponent().path
        let staging = parent + "/.taizhang-init-\(UUID().uuidString)"
        var files: [String: Data] = [:]
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            files = try contents(content, shipped: shipped, year: year)
            for (relative, data) in files {
                let path = staging + "/" + relative
                try FileManager.default.createDirectory(
                    atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
                try data.write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw .error("init.write", "cannot create the workspace, nothing was written: \(error.localizedDescription)", at: location)
        }
        // rename(2) replaces only a missing or empty folder, so nothing a user wrote meanwhile is lost.
        guard rename(staging, target) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: staging)
            throw .error("init.not-empty", "cannot create \(target): \(reason); nothing was written", at: location)
        }
        return files.keys.sorted()
    }

    /// The files of the new workspace.
    static func contents(_ content: Content, shipped: ShippedFiles, year: Int) throws -> [String: Data] {
        var files: [String: Data] = [:]
        func copy(_ folder: String) throws {
            for relative in shipped.files(under: folder) {
                files[relative] = try Data(contentsOf: URL(fileURLWithPath: shipped.root + "/" + relative))
            }
        }
        try copy("templates")
        switch content {
        case .example:
            try copy("checklists")
            try copy("walkthrough")
        case .empty:
            try copy("checklists/schema")
            for (relative, text) in Skeleton.files(year: year) { files[relative] = Data(text.utf8) }
        }
        files["README.md"] = Data(Skeleton.readme(content).utf8)
        files[".gitignore"] = Data("# 跟踪数据库、生成的台账包和往年存档不进版本库（其中有住户资料）\n.taizhang/\noutput/\narchive/\n".utf8)
        return files
    }
}
