import Crypto
import Foundation
import TaizhangDiagnostics

#if canImport(Glibc)
    import Glibc
#endif

/// Lets `generate` skip a run whose inputs have not changed at all: no loading, no validating,
/// no planning, no view models. A no-op regeneration then costs a walk of the pack and a hash of
/// the checklists and templates.
///
/// The run's inputs are summed up in two digests, both taken before the run reads anything:
/// - `inputs`: this program (path, size, modification time of the executable), the command's
///   options, the bytes of every file under `checklists/` and `templates/` (names included, so a
///   new file counts), the bytes of any other file the last model was read from (an XInclude
///   elsewhere in the workspace), and what the tracker holds (`Tracker.changeStamp`);
/// - `listing`: every entry of the pack, at any depth (name, type, size, inode, modification and
///   change times), so a file a user drops into any folder, edits, renames or deletes, and a
///   generated page that was deleted, all count as changes.
///
/// Only a run that finished without errors leaves a record, and only when nothing in the pack
/// but its own files changed while it ran. A record that cannot be read, of another format, for
/// another pack or with other digests is ignored: the run is then a full one. A hit replays the
/// warnings of the recorded run, so an unchanged workspace says what it said the last time.
///
/// The record lives beside the packs (`output/.taizhang-generate-cache.json`), never inside one:
/// it holds paths and times of this machine, and packs stay byte-identical between machines.
public struct RunCache: Sendable {
    public static let fileName = ".taizhang-generate-cache.json"
    static let format = "taizhang-generate-cache-3"

    /// What a finished run leaves for the next one.
    public struct Record: Codable, Sendable, Equatable {
        public var format = RunCache.format
        /// `RunCache.withTracker(inputs(…), stamp)` at the start of the recorded run.
        public var inputs: String
        public var packRoot: String
        /// `RunCache.listing(of: packRoot)` at the end of the recorded run.
        public var listing: String
        /// Files outside `checklists/` the model was read from (XIncludes elsewhere).
        public var extraFiles: [String]
        /// Generated files a repeat run finds unchanged.
        public var unchanged: Int
        /// Generated files the user edited, kept as they are.
        public var keptEdited: [String]
        public var present: Int
        public var expected: Int
        public var sections: Int
        /// The recorded run's diagnostics as printed (warnings and notes only).
        public var messages: [String]
        /// Each community's `UnitKey` (folder name → key).
        public var units: [String: String] = [:]

        public init(
            inputs: String, packRoot: String, listing: String, extraFiles: [String], unchanged: Int, keptEdited: [String], present: Int,
            expected: Int, sections: Int, messages: [String], units: [String: String] = [:]
        ) {
            self.inputs = inputs
            self.packRoot = packRoot
            self.listing = listing
            self.extraFiles = extraFiles
            self.unchanged = unchanged
            self.keptEdited = keptEdited
            self.present = present
            self.expected = expected
            self.sections = sections
            self.messages = messages
            self.units = units
        }
    }

    /// Where the record is kept (`<output root>/.taizhang-generate-cache.json`).
    public let file: String
    public let workspaceRoot: String

    public init(outputRoot: String, workspaceRoot: String) {
        file = outputRoot + "/" + Self.fileName
        self.workspaceRoot = workspaceRoot
    }

    /// The last run's record; nil when there is none or it cannot be trusted.
    public func read() -> Record? {
        guard let data = PackWriter.contents(of: file), let record = try? JSONDecoder().decode(Record.self, from: data),
            record.format == Self.format
        else { return nil }
        return record
    }

    /// `record` when it describes exactly this run's inputs and the pack as it is now
    /// (`listing`: the pack's listing, started when the record was read). A miss cancels the
    /// listing, which a full run has no use for.
    public static func hit(_ record: Record?, inputs: String?, listing: PendingListing?) -> Record? {
        guard let record, let inputs, record.inputs == inputs, let listing, listing.wait()?.digest == record.listing else {
            listing?.cancel()
            return nil
        }
        return record
    }

    /// Writes the record atomically; a record that cannot be written only costs the next run
    /// its shortcut, so failure is silent (and an old record is removed, never left stale).
    public func save(_ record: Record) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(record) else { return remove() }
        let temporary = file + ".\(getpid()).tmp"
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, file) == 0 else { throw POSIXError(.EIO) }
        } catch {
            unlink(temporary)
            remove()
        }
    }

    /// Forgets the last run (a failed or partial run must never be taken for a finished one).
    public func remove() { unlink(file) }

    // MARK: Digests

    /// The digest of everything a run reads besides the pack and the tracker (see the type's
    /// documentation); `settings` are the command's options. Also the base of every unit's
    /// key (`UnitKey`).
    public func inputs(settings: [String], extraFiles: [String]) -> String {
        var hasher = SHA256()
        func add(_ text: String) {
            hasher.update(data: Array(text.utf8))
            hasher.update(data: [0])
        }
        add(Self.format)
        add(Self.programIdentity)
        add(workspaceRoot)
        for setting in settings { add(setting) }
        for folder in ["checklists", "templates"] {
            add(folder)
            Self.hashTree(workspaceRoot + "/" + folder, relative: folder, into: &hasher)
        }
        for file in extraFiles {
            add(file)
            add(Self.contentDigest(file) ?? "missing")
        }
        return Self.hex(hasher.finalize())
    }

    /// The run's whole digest: `inputs` and the tracker's change stamp (nil: no tracker).
    public static func withTracker(_ inputs: String, _ tracker: String?) -> String {
        Manifest.sha256(Array((inputs + "\n" + (tracker ?? "no tracker")).utf8))
    }

    /// The running executable: its path, size and modification time. A new build regenerates
    /// everything once (its pages may differ); the packs themselves never depend on it.
    static var programIdentity: String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first ?? ""
        return path + " " + (fileIdentity(path) ?? "unknown")
    }

    /// Device, inode, size, modification and change times of `path` (symbolic links followed);
    /// nil when it does not exist.
    public static func fileIdentity(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
    }

    /// Every file below `folder`, sorted by name, with its bytes.
    private static func hashTree(_ folder: String, relative: String, into hasher: inout SHA256) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names.sorted() {
            let path = folder + "/" + name
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            let kind = info.st_mode & S_IFMT
            hasher.update(data: Array("\(relative)/\(name)\0".utf8))
            if kind == S_IFDIR {
                if !isSymbolicLink(path) { hashTree(path, relative: relative + "/" + name, into: &hasher) }
            } else if kind == S_IFREG {
                hasher.update(data: Array((contentDigest(path) ?? "unreadable").utf8))
            }
        }
    }

    private static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    static func contentDigest(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            hasher.update(data: buffer[0..<count])
        }
        return hex(hasher.finalize())
    }

    /// The time a run starts, less a second: file times are coarse, so anything changed within
    /// a second of the start counts as changed during the run.
    public static func runStart() -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        now.tv_sec -= 1
        return now
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        var text = ""
        for byte in digest { text += byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }
        return text
    }
}

extension Workspace {
    /// The files the model was read from that lie outside `checklists/` (XIncludes elsewhere in
    /// the workspace), found through every source location the model keeps.
    public var filesOutsideChecklists: [String] {
        var files: Set<String> = []
        let checklists = root + "/checklists/"
        func visit(_ value: Any, depth: Int) {
            guard depth < 64 else { return }
            if let location = value as? SourceLocation {
                if !location.file.isEmpty, !location.file.hasPrefix(checklists) { files.insert(location.file) }
                return
            }
            if value is String || value is Int || value is Bool || value is Double { return }
            for child in Mirror(reflecting: value).children { visit(child.value, depth: depth + 1) }
        }
        visit(self, depth: 0)
        return files.sorted()
    }
}
