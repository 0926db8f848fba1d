import Foundation
import TaizhangDiagnostics

/// Writes generated files into a pack without ever losing a user's file.
///
/// - A file is written only when its bytes change, atomically (temporary file, then rename),
///   so regenerating unchanged input leaves contents and modification times alone.
/// - An existing file is replaced only if the previous manifest lists it and it still has the
///   recorded hash: otherwise it is the user's (or the user edited it), and it is kept.
/// - Generated files that are no longer planned are removed only when unmodified; folders are
///   removed only when empty.
public final class PackWriter {
    public struct Report: Sendable, Equatable {
        public var created: [String] = []
        public var updated: [String] = []
        public var unchanged = 0
        public var removed: [String] = []
        /// Generated files the user edited: kept as they are, not refreshed.
        public var keptEdited: [String] = []

        public var written: Int { created.count + updated.count }
    }

    public let packRoot: String
    public let dryRun: Bool
    public let previous: Manifest
    public private(set) var manifest = Manifest()
    public private(set) var report = Report()
    public private(set) var diagnostics: [Diagnostic] = []
    private let fileManager = FileManager.default

    public init(packRoot: String, dryRun: Bool) {
        self.packRoot = packRoot
        self.dryRun = dryRun
        self.previous = Manifest.read(from: packRoot + "/" + GeneratedName.manifest)
    }

    func absolute(_ relative: String) -> String { packRoot + "/" + relative }

    /// Writes one generated file (path relative to the pack root).
    public func write(_ relative: String, _ bytes: [UInt8]) {
        let path = absolute(relative)
        let hash = Manifest.sha256(bytes)
        if let existing = fileManager.contents(atPath: path) {
            if existing == Data(bytes) {  // Data == is a memcmp; elementsEqual walked byte by byte
                manifest.entries[relative] = .init(sha256: hash, size: bytes.count)
                report.unchanged += 1
                return
            }
            guard let recorded = previous.entries[relative], recorded.sha256 == Manifest.sha256(existing) else {
                report.keptEdited.append(relative)
                diagnostics.append(.warning("pack.kept-user-file",
                                            "kept \(relative): it was changed by hand or is not Taizhang's, so the new version was not written",
                                            at: SourceLocation(file: path)))
                return
            }
            if commit(bytes, to: path) {
                manifest.entries[relative] = .init(sha256: hash, size: bytes.count)
                report.updated.append(relative)
            }
        } else {
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                diagnostics.append(.error("pack.write-failed", "cannot write \(relative): a folder of that name is in the way", at: SourceLocation(file: path)))
                return
            }
            if commit(bytes, to: path) {
                manifest.entries[relative] = .init(sha256: hash, size: bytes.count)
                report.created.append(relative)
            }
        }
    }

    private func commit(_ bytes: [UInt8], to path: String) -> Bool {
        if dryRun { return true }
        do {
            let url = URL(fileURLWithPath: path)
            try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            // Foundation's .atomic writes a temporary file in the same folder and renames it.
            try Data(bytes).write(to: url, options: .atomic)
            return true
        } catch {
            diagnostics.append(.error("pack.write-failed", "cannot write \(path): \(error.localizedDescription)", at: SourceLocation(file: path)))
            return false
        }
    }

    /// Keeps the previous manifest's entries for parts of the pack this run did not touch.
    public func carryOver(where keep: (String) -> Bool) {
        for (path, entry) in previous.entries where manifest.entries[path] == nil && keep(path) {
            manifest.entries[path] = entry
        }
    }

    /// Removes generated files of the previous run that are no longer planned (within `scope`),
    /// when unmodified, then any folders left empty. Edited ones are kept and reported.
    public func removeStale(inScope scope: (String) -> Bool, planned: Set<String>) {
        for (relative, entry) in previous.entries.sorted(by: { $0.key < $1.key })
        where manifest.entries[relative] == nil && !planned.contains(relative) && scope(relative) {
            let path = absolute(relative)
            guard let existing = fileManager.contents(atPath: path) else { continue }
            guard Manifest.sha256(existing) == entry.sha256 else {
                report.keptEdited.append(relative)
                diagnostics.append(.warning("pack.kept-user-file",
                                            "kept \(relative): it is no longer generated but was changed by hand", at: SourceLocation(file: path)))
                continue
            }
            report.removed.append(relative)
            if dryRun { continue }
            try? fileManager.removeItem(atPath: path)
            removeEmptyFolders(from: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        }
    }

    private func removeEmptyFolders(from folder: String) {
        var current = folder
        while current.hasPrefix(packRoot + "/"), current != packRoot {
            guard let contents = try? fileManager.contentsOfDirectory(atPath: current), contents.isEmpty else { return }
            try? fileManager.removeItem(atPath: current)
            current = URL(fileURLWithPath: current).deletingLastPathComponent().path
        }
    }

    /// Writes the manifest last: if a run dies half-way, the old manifest still describes
    /// files on disk, and the next run compares bytes anyway.
    public func writeManifest() {
        guard !dryRun else { return }
        let path = absolute(GeneratedName.manifest)
        let bytes = manifest.serialized()
        if let existing = fileManager.contents(atPath: path), existing == Data(bytes) { return }
        _ = commit(bytes, to: path)
    }
}
