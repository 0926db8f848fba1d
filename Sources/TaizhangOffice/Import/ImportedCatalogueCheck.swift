import Foundation
import TaizhangCore
import TaizhangDiagnostics

/// Runs an imported category file through the workspace's own validator before it is
/// written: a copy of `checklists/` goes to a temporary folder, the new file is put in place
/// and included from the master file (unless it already is), and the copy is loaded as
/// `taizhang validate` would. Problems in the new file are reported at the file the user asked
/// for; a catalogue total that no longer adds up is a warning (the user adjusts `totalPoints`).
public enum ImportedCatalogueCheck {
    public struct Outcome {
        public var diagnostics: [Diagnostic]
        /// Whether `checklists/taizhang.xml` already includes the file.
        public var isIncluded: Bool
    }

    /// `relative` is the file's path inside `checklists/` (e.g. `catalogue/08-imported.xml`);
    /// `displayPath` is where it will be written, for the diagnostics.
    public static func check(_ xml: [UInt8], relative: String, workspace root: String, displayPath: String) -> Outcome {
        let fm = FileManager.default
        let scratch = NSTemporaryDirectory() + "taizhang-import-" + UUID().uuidString
        defer { try? fm.removeItem(atPath: scratch) }
        let copy = scratch + "/checklists"
        let master = copy + "/taizhang.xml"
        var included = false
        do {
            try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            try fm.copyItem(atPath: root + "/checklists", toPath: copy)
            let target = copy + "/" + relative
            try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
            try Data(xml).write(to: URL(fileURLWithPath: target))
            var text = try String(contentsOfFile: master, encoding: .utf8)
            included = text.contains("href=\"\(relative)\"")
            if !included, let end = text.range(of: "</catalogue>") {
                text.insert(contentsOf: "  <xi:include href=\"\(relative)\"/>\n  ", at: end.lowerBound)
                try Data(text.utf8).write(to: URL(fileURLWithPath: master))
            }
        } catch {
            return Outcome(
                diagnostics: [.error("import.check-failed", "cannot copy the checklists to check the import: \(error.localizedDescription)", at: SourceLocation(file: root + "/checklists"))],
                isIncluded: included)
        }
        let baseline = Set(WorkspaceLoader(root: root).load().diagnostics.map { "\($0.id) \($0.message)" })
        let newFile = copy + "/" + relative
        var result: [Diagnostic] = []
        for var diagnostic in WorkspaceLoader(root: scratch).load().diagnostics {
            if var location = diagnostic.location {
                location.file = location.file == newFile ? displayPath : root + String(location.file.dropFirst(scratch.count))
                diagnostic.location = location
            }
            let inNewFile = diagnostic.location?.file == displayPath
            if !inNewFile && baseline.contains("\(diagnostic.id) \(diagnostic.message)") { continue }
            if !inNewFile && diagnostic.id == "checklist.points-mismatch" && diagnostic.severity == .error {
                diagnostic.severity = .warning
                diagnostic.notes.append("adjust the points in checklists/taizhang.xml after adding the imported category")
            }
            result.append(diagnostic)
        }
        return Outcome(diagnostics: result, isIncluded: included)
    }
}
