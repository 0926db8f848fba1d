import Foundation
import TaizhangDiagnostics
#if canImport(Glibc)
import Glibc
#endif

/// `taizhang file`: moves incoming documents into the item folder their names point to.
///
/// Never overwrites (a taken name gets " (2)", " (3)"…) and never loses a file: it copies into
/// the destination folder, checks the copy's SHA-256 against the source, links the copy to its
/// final name (which fails rather than replace anything), and only then removes the source.
public struct EvidenceFiler {
    public static let unsortedFolder = GeneratedName.unsortedFolder

    public struct Outcome: Sendable {
        public var source: String
        public var decision: EvidenceMatcher.Decision
        /// Relative to the unit folder; nil when the file could not be filed.
        public var destination: String?
        public var error: String?
    }

    public let unit: UnitPlan
    public let unitRoot: String
    let matcher: EvidenceMatcher

    public init(unit: UnitPlan, unitRoot: String) {
        self.unit = unit
        self.unitRoot = unitRoot
        matcher = EvidenceMatcher(items: unit.items.map(\.item))
    }

    public func file(_ sources: [String], dryRun: Bool) -> [Outcome] {
        sources.map { file($0, dryRun: dryRun) }
    }

    func folder(for decision: EvidenceMatcher.Decision) -> String {
        if case .file(let candidate) = decision,
           let binder = unit.binders.first(where: { $0.items.contains { $0.item.code == candidate.code } }),
           let item = binder.items.first(where: { $0.item.code == candidate.code }) {
            return binder.folderName + "/" + item.folderName
        }
        return Self.unsortedFolder
    }

    func file(_ source: String, dryRun: Bool) -> Outcome {
        let name = URL(fileURLWithPath: source).lastPathComponent
        let decision = matcher.decide(name)
        var outcome = Outcome(source: source, decision: decision, destination: nil, error: nil)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), !isDirectory.boolValue else {
            outcome.error = isDirectory.boolValue ? "is a folder; pass the files in it" : "file not found"
            return outcome
        }
        let folder = folder(for: decision)
        let safeName = WindowsName.sanitize(name, maxLength: 80)
        let targetFolder = unitRoot + "/" + folder
        let final = Self.freeName(safeName, in: targetFolder)
        outcome.destination = folder + "/" + final
        if dryRun { return outcome }
        do {
            try FileManager.default.createDirectory(atPath: targetFolder, withIntermediateDirectories: true)
            let temporary = targetFolder + "/.taizhang-incoming-\(UUID().uuidString)"
            try FileManager.default.copyItem(atPath: source, toPath: temporary)
            defer { unlink(temporary) }
            guard try FileHasher.sha256(path: temporary) == FileHasher.sha256(path: source) else {
                outcome.error = "the copy does not match the original; the original was left in place"
                outcome.destination = nil
                return outcome
            }
            var chosen = final
            while link(temporary, targetFolder + "/" + chosen) != 0 {
                guard errno == EEXIST else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                chosen = Self.freeName(safeName, in: targetFolder)
            }
            outcome.destination = folder + "/" + chosen
            try FileManager.default.removeItem(atPath: source)
        } catch {
            outcome.error = "\(error.localizedDescription); the original was left in place"
        }
        return outcome
    }

    /// `name`, or `name (2).ext`, `name (3).ext`… whichever is not taken in `folder`.
    static func freeName(_ name: String, in folder: String) -> String {
        guard FileManager.default.fileExists(atPath: folder + "/" + name) else { return name }
        let ext = (name as NSString).pathExtension
        let stem = (name as NSString).deletingPathExtension
        var n = 2
        while true {
            let candidate = "\(stem) (\(n))" + (ext.isEmpty ? "" : "." + ext)
            if !FileManager.default.fileExists(atPath: folder + "/" + candidate) { return candidate }
            n += 1
        }
    }
}
