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
/// Only regular files are filed, never through a symbolic link in the pack; copies left by a
/// killed run are removed by the next.
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
            let item = binder.items.first(where: { $0.item.code == candidate.code })
        {
            return binder.folderName + "/" + item.folderName
        }
        return Self.unsortedFolder
    }

    static let temporaryPrefix = ".taizhang-incoming-"
    /// The longest name a filed document gets (UTF-16 units, as Windows counts).
    static let maximumNameLength = 80

    func file(_ source: String, dryRun: Bool) -> Outcome {
        file(source, decision: decision(for: source), dryRun: dryRun)
    }

    /// Where a file would go: into the item `code` when one is named (an upload to that item),
    /// else where the matcher decides from its name (`file`'s rule; 待分拣 when unsure).
    public func decision(for source: String, into code: String? = nil) -> EvidenceMatcher.Decision {
        if let code, let item = unit.items.first(where: { $0.item.code == code }) {
            return .file(EvidenceMatcher.Candidate(code: code, title: item.item.title, score: 0, reasons: []))
        }
        return matcher.decide(Self.incomingName(source))
    }

    /// Files one document as decided (see `decision(for:into:)`), with `file`'s guarantees.
    public func file(_ source: String, decision: EvidenceMatcher.Decision, dryRun: Bool) -> Outcome {
        let name = Self.incomingName(source)
        var outcome = Outcome(source: source, decision: decision, destination: nil, error: nil)
        var info = stat()
        guard lstat(source, &info) == 0 else {
            outcome.error = "file not found"
            return outcome
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR:
            outcome.error = "is a folder; pass the files in it"
            return outcome
        case S_IFLNK:
            outcome.error = "is a symbolic link; pass the file it points to"
            return outcome
        default:
            outcome.error = "is not a regular file (a pipe or device?); only files are filed"
            return outcome
        }
        let folder = folder(for: decision)
        if let link = FileInventory.symbolicLink(in: folder, under: unitRoot) {
            outcome.error = "\(link) in the pack is a symbolic link, and Taizhang never follows links in a pack; the original was left in place"
            return outcome
        }
        let safeName = Self.safeName(name)
        let targetFolder = unitRoot + "/" + folder
        let final = Self.freeName(safeName, in: targetFolder)
        outcome.destination = folder + "/" + final
        if dryRun { return outcome }
        do {
            try FileManager.default.createDirectory(atPath: targetFolder, withIntermediateDirectories: true)
            Self.removeAbandonedCopies(in: targetFolder)
            let temporary = targetFolder + "/" + Self.temporaryPrefix + UUID().uuidString
            defer { unlink(temporary) }
            let (copied, lock) = try Self.copy(source, to: temporary)
            defer { withExtendedLifetime(lock) {} }  // the copy stays locked until it has its name
            guard try FileHasher.sha256(path: temporary) == copied else {
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

    /// The file name of an incoming path. Backslashes separate folders too (names from Windows
    /// archives), and characters that hide or reorder text (U+202E, zero-width, U+0085 and other
    /// C1 controls) are stripped, so a name shows what it is.
    static func incomingName(_ source: String) -> String {
        let last = URL(fileURLWithPath: source).lastPathComponent
        let name = last.split(separator: "\\", omittingEmptySubsequences: false).last.map(String.init) ?? last
        return String(String.UnicodeScalarView(name.unicodeScalars.filter { !WindowsName.isInvisibleOrReordering($0) }))
    }

    /// The name an uploaded file gets on disk: its last path component (either slash), without
    /// characters that hide or reorder text, made safe as `file` makes names safe.
    public static func uploadName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        return safeName(incomingName(last.replacingOccurrences(of: "\0", with: "")))
    }

    /// A Windows-safe name of at most `maximumNameLength` units that does not start with a dot
    /// (a hidden file nobody would count); a long name loses the end of its stem, never its
    /// extension.
    static func safeName(_ name: String) -> String {
        var result = WindowsName.sanitize(name)
        while let first = result.first, first == "." || first == " " { result.removeFirst() }
        if result.isEmpty { result = "_" }
        let ext = (result as NSString).pathExtension
        let keepsExtension = !ext.isEmpty && ext.utf16.count <= 16
        let suffix = keepsExtension ? "." + ext : ""
        var stem = keepsExtension ? (result as NSString).deletingPathExtension : result
        while stem.utf16.count + suffix.utf16.count > maximumNameLength, !stem.isEmpty { stem.removeLast() }
        while let last = stem.last, last == "." || last == " " { stem.removeLast() }
        return WindowsName.sanitize((stem.isEmpty ? "_" : stem) + suffix)
    }

    /// Copies `source` to the new file `temporary` and returns the SHA-256 of what was read,
    /// and the open copy, locked until it is closed. The source is opened without following
    /// links and without blocking, and must be a regular file.
    static func copy(_ source: String, to temporary: String) throws -> (sha256: String, lock: FileHandle) {
        func failure() -> POSIXError { POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let input = open(source, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard input >= 0 else { throw failure() }
        let reader = FileHandle(fileDescriptor: input, closeOnDealloc: true)
        var info = stat()
        guard fstat(input, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw POSIXError(.EINVAL) }
        let output = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw failure() }
        let writer = FileHandle(fileDescriptor: output, closeOnDealloc: true)
        // Held until the copy is closed: a later run only removes copies nobody holds.
        guard flock(output, LOCK_EX) == 0 else { throw failure() }
        var hasher = FileHasher.Streaming()
        while let block = try reader.read(upToCount: 1 << 20), !block.isEmpty {
            hasher.update(block)
            try writer.write(contentsOf: block)
        }
        try writer.synchronize()
        return (hasher.finalize(), writer)
    }

    /// Removes copies a killed `file` left in `folder`: those no running `file` holds locked.
    static func removeAbandonedCopies(in folder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(temporaryPrefix) {
            let path = folder + "/" + name
            let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { unlink(path) }
            close(fd)
        }
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
