import Foundation
import TaizhangDiagnostics

#if canImport(Glibc)
    import Glibc
#endif

/// Writes generated files into a pack without ever losing a user's file.
///
/// - A file is written only when its bytes change, atomically (temporary file, then rename),
///   so regenerating unchanged input leaves contents and modification times alone.
/// - An existing file is replaced only if it holds bytes Taizhang wrote for that path: the hash
///   in the previous manifest, or one in the journal of a run that died half-way. Otherwise it
///   is the user's (or the user edited it), and it is kept.
/// - Generated files that are no longer planned are removed only when unmodified; folders are
///   removed only when empty. A removal that fails is reported.
/// - Paths from the manifest are used only when they stay inside the pack, and no path with a
///   symbolic link in it is written or removed: a link could lead anywhere.
///
/// Crash safety: before the first rename, a run takes a lock on `.taizhang-journal.tsv` and
/// appends each file's new hash there before renaming it into place. A run that finishes writes
/// the manifest and deletes the journal; after a crash the next run still knows every hash it
/// wrote, and removes the temporary files the crashed run left in those folders.
public final class PackWriter {
    public struct Report: Sendable, Equatable {
        public var created: [String] = []
        public var updated: [String] = []
        public var unchanged = 0
        /// Unchanged pages that were not even rendered: same fingerprint, file still there.
        public var notRendered = 0
        public var removed: [String] = []
        /// Generated files the user edited: kept as they are, not refreshed.
        public var keptEdited: [String] = []
        /// Stale generated files that could not be removed.
        public var removalsFailed: [String] = []
        /// Paths not written or removed because a symbolic link is in the way.
        public var refusedLinks: [String] = []

        public var written: Int { created.count + updated.count }

        public init() {}
    }

    public static let journalName = ".taizhang-journal.tsv"
    static let temporaryPrefix = ".taizhang-tmp-"
    /// Temporary files of Foundation's atomic writes (earlier versions, kill -9).
    static let foundationTemporaryPrefix = ".dat.nosync"

    public let packRoot: String
    public let dryRun: Bool
    public let previous: Manifest
    /// Hashes a run that did not finish wrote, per path (from its journal).
    let journaled: [String: Set<String>]
    public private(set) var manifest = Manifest()
    public private(set) var report = Report()
    public private(set) var diagnostics: [Diagnostic] = []
    private let fileManager = FileManager.default
    private var journal: Int32 = -1
    /// Set when the journal could not be opened or locked, or by `stopAfterCommits`: nothing
    /// more is written, as if the process had died.
    private var stopped = false
    private var commits = 0
    private var temporaryCount = 0
    private var rootReady = false
    private var sweptFolders: Set<String> = []
    private var linkFreeFolders: Set<String> = []
    /// Tests: behave as if the process were killed after this many renames.
    var stopAfterCommits: Int?
    /// Tests: how a stale file is removed.
    var removeFile: (String) throws -> Void = { try FileManager.default.removeItem(atPath: $0) }

    public init(packRoot: String, dryRun: Bool) {
        self.packRoot = packRoot
        self.dryRun = dryRun
        previous = Manifest.read(from: packRoot + "/" + GeneratedName.manifest)
        var journaled: [String: Set<String>] = [:]
        var refused = previous.refused
        for (path, entry) in Manifest.lines(of: packRoot + "/" + Self.journalName) {
            if Manifest.isSafeRelativePath(path) {
                journaled[path, default: []].insert(entry.sha256)
            } else {
                refused.append(path)
            }
        }
        self.journaled = journaled
        for path in refused {
            diagnostics.append(
                .warning(
                    "pack.manifest-path-refused",
                    "ignored \"\(path)\" in \(GeneratedName.manifest): not a path inside the pack; nothing there was touched",
                    at: SourceLocation(file: packRoot + "/" + GeneratedName.manifest)))
        }
    }

    deinit { if journal >= 0 { close(journal) } }

    /// One error when the pack cannot be a folder at all: `path` or the nearest of its existing
    /// parents is a file (`--out` pointing at a file), instead of one error per page.
    public static func folderProblem(_ path: String) -> Diagnostic? {
        var current = path
        while !current.isEmpty, current != "/" {
            var info = stat()
            if stat(current, &info) == 0 {
                guard info.st_mode & S_IFMT != S_IFDIR else { return nil }
                return .error(
                    "pack.not-a-folder", "\(current) is a file, not a folder, so the pack cannot be written there; choose another --out",
                    at: SourceLocation(file: current))
            }
            current = (current as NSString).deletingLastPathComponent
        }
        return nil
    }

    func absolute(_ relative: String) -> String { packRoot + "/" + relative }

    /// Whether `hash` is one Taizhang wrote for `relative` (manifest or journal).
    func isOurs(_ relative: String, hash: String) -> Bool {
        previous.entries[relative]?.sha256 == hash || journaled[relative]?.contains(hash) == true
    }

    /// What Taizhang wrote into the pack, for the inventories (safe to use on any thread).
    /// Shares the manifest's storage rather than copying it: a city's manifest has some 50,000 entries.
    public var generatedFiles: GeneratedFiles {
        GeneratedFiles(packRoot: packRoot, journaled: journaled, previous: previous.entries)
    }

    /// Forgets the folders found free of links (after a unit is written): a city has tens of
    /// thousands, and a later write into one of them only costs its `lstat`s again.
    public func forgetFolders() {
        linkFreeFolders.removeAll()
        sweptFolders.removeAll()
    }

    /// Keeps a page the last run wrote, unrendered: its fingerprint matched and the file is
    /// as that run left it (`GeneratedFiles.isCurrent`).
    public func keep(_ relative: String) {
        guard let entry = previous.entries[relative] else { return }
        manifest.entries[relative] = entry
        report.unchanged += 1
        report.notRendered += 1
    }

    /// Writes one generated file (path relative to the pack root), with the fingerprint of
    /// what it was rendered from.
    public func write(_ relative: String, _ bytes: [UInt8], fingerprint: String? = nil) {
        let path = absolute(relative)
        let existing: Data
        switch probe(relative) {
        case .link(let link):
            refuse(relative, link: link, while: "write")
            return
        case .other(let isFolder):
            let what = isFolder ? "a folder" : "something that is not a file"
            diagnostics.append(.error("pack.write-failed", "cannot write \(relative): \(what) of that name is in the way", at: SourceLocation(file: path)))
            return
        case .missing:
            if commit(bytes, hash: Manifest.sha256(bytes), to: relative) {
                manifest.entries[relative] = .init(sha256: Manifest.sha256(bytes), size: bytes.count, fingerprint: fingerprint)
                report.created.append(relative)
            }
            return
        case .file:
            guard let contents = Self.contents(of: path) else {
                diagnostics.append(.error("pack.write-failed", "cannot write \(relative): the file there cannot be read", at: SourceLocation(file: path)))
                return
            }
            existing = contents
        }
        let hash = Manifest.sha256(bytes)
        if existing == Data(bytes) {  // Data == is a memcmp; elementsEqual walked byte by byte
            manifest.entries[relative] = .init(sha256: hash, size: bytes.count, fingerprint: fingerprint)
            report.unchanged += 1
            return
        }
        guard isOurs(relative, hash: Manifest.sha256(existing)) else {
            report.keptEdited.append(relative)
            diagnostics.append(
                .warning(
                    "pack.kept-user-file",
                    "kept \(relative): it was changed by hand or is not Taizhang's, so the new version was not written",
                    at: SourceLocation(file: path)))
            return
        }
        if commit(bytes, hash: hash, to: relative) {
            manifest.entries[relative] = .init(sha256: hash, size: bytes.count, fingerprint: fingerprint)
            report.updated.append(relative)
        } else {
            manifest.entries[relative] = .init(sha256: Manifest.sha256(existing), size: existing.count)  // still ours
        }
    }

    enum Probe {
        /// A component (the file itself included) is a symbolic link.
        case link(String)
        /// The file, or a folder on its way, does not exist.
        case missing
        /// A regular file.
        case file
        /// Something else of that name (a folder, a device).
        case other(isFolder: Bool)
    }

    /// What is at `relative`, with one `lstat` per component not yet known (folders found free
    /// of links are remembered for the run).
    func probe(_ relative: String) -> Probe {
        var prefix = ""
        let components = relative.split(separator: "/")
        for (index, component) in components.enumerated() {
            prefix += (prefix.isEmpty ? "" : "/") + component
            let isFolder = index < components.count - 1
            if isFolder && linkFreeFolders.contains(prefix) { continue }
            var info = stat()
            guard lstat(absolute(prefix), &info) == 0 else { return .missing }
            let type = info.st_mode & S_IFMT
            if type == S_IFLNK { return .link(prefix) }
            if isFolder {
                guard type == S_IFDIR else { return .other(isFolder: false) }
                linkFreeFolders.insert(prefix)
            } else {
                return type == S_IFREG ? .file : .other(isFolder: type == S_IFDIR)
            }
        }
        return .missing
    }

    /// A file's bytes; nil when it is missing or not a readable regular file (one `open`, one
    /// `fstat`, the reads; a symbolic link is not followed).
    static func contents(of path: String) -> Data? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        var data = Data(count: Int(info.st_size))
        var filled = 0
        let complete = data.withUnsafeMutableBytes { buffer -> Bool in
            while filled < buffer.count {
                let count = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return count == 0 }
                filled += count
            }
            return true
        }
        guard complete else { return nil }
        if filled < data.count { data.removeSubrange(filled...) }  // shrank while being read
        return data
    }

    /// Whether the regular file at `path` holds exactly `bytes`, read a block at a time (the
    /// manifest of a city is some 8 MB: no second copy of it in memory).
    static func holds(_ path: String, _ bytes: [UInt8]) -> Bool {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) == bytes.count else { return false }
        var block = [UInt8](repeating: 0, count: 1 << 16)
        var offset = 0
        while offset < bytes.count {
            let wanted = min(block.count, bytes.count - offset)
            let count = block.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, wanted) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0, block[0..<count].elementsEqual(bytes[offset..<offset + count]) else { return false }
            offset += count
        }
        return true
    }

    /// The first component of `relative` (the file itself included) that is a symbolic link.
    func symbolicLink(in relative: String) -> String? {
        if case .link(let link) = probe(relative) { return link }
        return nil
    }

    /// Reports and refuses `relative` because of the symbolic link `link` on its way.
    private func refuse(_ relative: String, link: String, while action: String) {
        report.refusedLinks.append(relative)
        diagnostics.append(
            .warning(
                "pack.symbolic-link",
                "did not \(action) \(relative): \(link) is a symbolic link, and Taizhang never follows links in a pack; replace it with a real folder",
                at: SourceLocation(file: absolute(link))))
    }

    /// Writes `bytes` to `relative`: journal line, temporary file, rename. False on failure.
    ///
    /// No `fsync`: every page can be generated again, and a killed process loses nothing the
    /// kernel already has. The journal line goes out before the rename, so after a crash the
    /// next run still recognises the file as Taizhang's.
    private func commit(_ bytes: [UInt8], hash: String, to relative: String, journaled: Bool = true) -> Bool {
        if dryRun { return true }
        if stopped { return false }
        let path = absolute(relative)
        let folderRelative = (relative as NSString).deletingLastPathComponent
        let folder = (path as NSString).deletingLastPathComponent
        do {
            let created = try makeFolders(folderRelative)
            if journaled {
                try appendToJournal(Manifest.line(relative, .init(sha256: hash, size: bytes.count)))
            }
            if !created { sweepTemporaryFiles(in: folder) }
            temporaryCount += 1
            let temporary = folder + "/" + Self.temporaryPrefix + "\(getpid())-\(temporaryCount)"
            do {
                try Self.writeNew(temporary, bytes)
                guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            } catch {
                unlink(temporary)
                throw error
            }
        } catch {
            diagnostics.append(.error("pack.write-failed", "cannot write \(relative): \(error.localizedDescription)", at: SourceLocation(file: path)))
            return false
        }
        commits += 1
        if let limit = stopAfterCommits, commits >= limit { stopped = true }
        return true
    }

    /// Creates the folders of `relative` that are missing (none through a link: `probe` has
    /// checked every existing one). True when the last one was created by this call.
    private func makeFolders(_ relative: String) throws -> Bool {
        if !rootReady {
            try fileManager.createDirectory(atPath: packRoot, withIntermediateDirectories: true)
            rootReady = true
        }
        guard !relative.isEmpty, !linkFreeFolders.contains(relative) else { return false }
        var prefix = ""
        var created = false
        for component in relative.split(separator: "/") {
            prefix += (prefix.isEmpty ? "" : "/") + component
            if linkFreeFolders.contains(prefix) { continue }
            if mkdir(absolute(prefix), 0o777) == 0 {
                created = true
            } else {
                guard errno == EEXIST else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                var info = stat()
                guard lstat(absolute(prefix), &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                    throw POSIXError(.ENOTDIR)
                }
                created = false
            }
            linkFreeFolders.insert(prefix)
        }
        return created
    }

    /// Writes a file that must not exist yet (O_EXCL, no link followed).
    static func writeNew(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var written = 0
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += count
            }
            return nil
        }
        let closed = close(fd)
        if let failure { throw POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO) }
        guard closed == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// Opens (and locks) the journal on first use, then appends one line before a rename.
    private func appendToJournal(_ line: String) throws {
        try openJournal()
        let bytes = Array(line.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(journal, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    private func openJournal() throws {
        if journal < 0 {
            let path = absolute(Self.journalName)
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                stopped = true
                diagnostics.append(
                    .error(
                        "pack.busy", "another taizhang is writing this pack; nothing was written, try again when it has finished",
                        at: SourceLocation(file: packRoot)))
                throw CocoaError(.fileWriteUnknown)
            }
            journal = fd
            // The crashed run's folders: remove the temporary files it left behind.
            for folder in Set(journaled.keys.map { (absolute($0) as NSString).deletingLastPathComponent }) {
                sweepTemporaryFiles(in: folder)
            }
        }
    }

    /// Removes temporary files of interrupted writes from `folder` (once per run and folder;
    /// only while this run holds the journal lock, so no other writer's files are touched).
    private func sweepTemporaryFiles(in folder: String) {
        guard journal >= 0, sweptFolders.insert(folder).inserted,
            let names = try? fileManager.contentsOfDirectory(atPath: folder)
        else { return }
        for name in names where name.hasPrefix(Self.temporaryPrefix) || name.hasPrefix(Self.foundationTemporaryPrefix) {
            unlink(folder + "/" + name)
        }
    }

    /// Keeps the previous manifest's entries for parts of the pack this run did not touch.
    /// A path a crashed run journaled takes the hash of what is on disk, if that is Taizhang's.
    public func carryOver(where keep: (String) -> Bool) {
        for (path, entry) in previous.entries where manifest.entries[path] == nil && keep(path) {
            manifest.entries[path] = entry
        }
        for path in journaled.keys where keep(path) {
            guard let existing = Self.contents(of: absolute(path)) else { continue }
            let hash = Manifest.sha256(existing)
            if isOurs(path, hash: hash) { manifest.entries[path] = .init(sha256: hash, size: existing.count) }
        }
    }

    /// Removes generated files of the previous run that are no longer planned (within `scope`),
    /// when unmodified, then any folders left empty. Edited ones are kept and reported.
    public func removeStale(inScope scope: (String) -> Bool, planned: Set<String>) {
        let candidates = Set(previous.entries.keys).union(journaled.keys)
        for relative in candidates.sorted() where manifest.entries[relative] == nil && !planned.contains(relative) && scope(relative) {
            let path = absolute(relative)
            if let link = symbolicLink(in: relative) {
                refuse(relative, link: link, while: "remove")
                continue
            }
            guard let existing = Self.contents(of: path) else { continue }
            guard isOurs(relative, hash: Manifest.sha256(existing)) else {
                report.keptEdited.append(relative)
                diagnostics.append(
                    .warning(
                        "pack.kept-user-file",
                        "kept \(relative): it is no longer generated but was changed by hand", at: SourceLocation(file: path)))
                continue
            }
            if dryRun {
                report.removed.append(relative)
                continue
            }
            if stopped { continue }
            do {
                try removeFile(path)
            } catch {
                report.removalsFailed.append(relative)
                diagnostics.append(
                    .warning(
                        "pack.remove-failed",
                        "could not remove \(relative), which is no longer generated: \(error.localizedDescription)",
                        at: SourceLocation(file: path)))
                continue
            }
            report.removed.append(relative)
            removeEmptyFolders(from: (path as NSString).deletingLastPathComponent)
        }
    }

    /// Removes `folder` and its parents inside the pack while they are empty (`rmdir` never
    /// removes anything else).
    private func removeEmptyFolders(from folder: String) {
        var current = folder
        while current.hasPrefix(packRoot + "/"), current != packRoot {
            guard rmdir(current) == 0 else { return }
            current = (current as NSString).deletingLastPathComponent
        }
    }

    /// Writes the manifest last, then drops the journal: if a run dies half-way, the old
    /// manifest and the journal together still know every file Taizhang wrote.
    public func writeManifest() {
        guard !dryRun, !stopped else { return }
        let path = absolute(GeneratedName.manifest)
        let bytes = manifest.serialized()
        if !Self.holds(path, bytes) {
            guard commit(bytes, hash: Manifest.sha256(bytes), to: GeneratedName.manifest, journaled: false) else { return }
        }
        if journal < 0 && !journaled.isEmpty { try? openJournal() }
        if journal >= 0 {
            unlink(absolute(Self.journalName))
            close(journal)
            journal = -1
        }
    }
}

/// The files Taizhang wrote into a pack (manifest and journal), so that counting the user's
/// files never counts a generated page that is about to be removed.
public struct GeneratedFiles: Sendable {
    let packRoot: String
    /// Hashes a run that did not finish wrote, per path (its journal).
    let journaled: [String: Set<String>]
    /// The previous manifest: hashes, sizes and fingerprints of the pages the last run wrote.
    var previous: [String: Manifest.Entry] = [:]

    /// Whether the page at `relative` need not be rendered: the last run wrote it from inputs
    /// with this fingerprint, and a regular file of that size is still there (a deleted or
    /// replaced page is rendered again; an edited one is the user's and is left alone anyway).
    /// A page a crashed run may have rewritten is never taken as current.
    public func isCurrent(_ relative: String, fingerprint: String) -> Bool {
        guard journaled[relative] == nil, let entry = previous[relative], entry.fingerprint == fingerprint else { return false }
        var info = stat()
        return lstat(packRoot + "/" + relative, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && Int(info.st_size) == entry.size
    }

    /// Whether the page the last run wrote at `relative` is still there, a regular file of
    /// the size it wrote, and no crashed run has touched it since.
    public func isIntact(_ relative: String) -> Bool {
        guard journaled[relative] == nil, let entry = previous[relative] else { return false }
        var info = stat()
        return lstat(packRoot + "/" + relative, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && Int(info.st_size) == entry.size
    }

    /// Whether the file at `relative` (from the pack root) still holds bytes Taizhang wrote.
    public func isUnmodified(_ relative: String) -> Bool {
        let recorded = previous[relative]?.sha256
        guard recorded != nil || journaled[relative] != nil, let bytes = PackWriter.contents(of: packRoot + "/" + relative) else { return false }
        let hash = Manifest.sha256(bytes)
        return hash == recorded || journaled[relative]?.contains(hash) == true
    }
}
