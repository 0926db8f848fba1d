import Foundation
import TaizhangCore
import TaizhangDiagnostics
import ZIPFoundation

#if canImport(Glibc)
    import Glibc
#endif

/// The pack as one zip for the USB stick: every entry under the pack's folder name, names in
/// UTF-8 with general-purpose bit 11 set (ZIPFoundation always sets it), so Windows Explorer
/// shows the Chinese folder names; a `SHA256SUMS.txt` inside lists every file's SHA-256
/// (`sha256sum -c` format). Left out unless `includeInternal`: folders and files named
/// …内部资料… or …（内部）… (walkthrough sheets with household data, the internal preparation
/// checklists and their PDFs). Always left out: the generator's own bookkeeping
/// (`taizhang-manifest.tsv`, dot files) and symbolic links.
///
/// Deterministic: entries sorted by path, every entry dated `day` 00:00, so the same pack gives
/// the same bytes. Written to a temporary file and renamed into place.
public struct PackZipper {
    public struct Options {
        /// Only these unit folders (the street section's or communities'); nil: the whole pack.
        public var unitFolders: [String]?
        public var includeInternal: Bool
        /// The day every entry is dated (00:00).
        public var day: Day
        public var progress: ((Int, Int, String) -> Void)?

        public init(unitFolders: [String]? = nil, includeInternal: Bool = false, day: Day, progress: ((Int, Int, String) -> Void)? = nil) {
            self.unitFolders = unitFolders
            self.includeInternal = includeInternal
            self.day = day
            self.progress = progress
        }
    }

    public struct Summary: Equatable, Sendable {
        public var files: Int
        public var folders: Int
        public var bytes: Int64
        /// Symbolic links and unreadable entries, left out.
        public var skipped: [String]
    }

    public static let manifestName = "SHA256SUMS.txt"

    /// Whether a path inside the pack is internal (stays out of the zip unless asked for).
    public static func isInternal(_ relative: String) -> Bool {
        relative.split(separator: "/").contains { $0.contains("内部资料") || $0.contains("（内部）") }
    }

    let packRoot: String
    let options: Options

    public init(packRoot: String, options: Options) {
        self.packRoot = packRoot
        self.options = options
    }

    private struct Entry {
        var relative: String
        var isDirectory: Bool
        var size: Int64
    }

    /// What goes into the zip, sorted: folders and regular files, relative to the pack root.
    private func entries() throws(Diagnostic) -> (entries: [Entry], skipped: [String]) {
        var result: [Entry] = []
        var skipped: [String] = []
        func walk(_ relative: String) throws(Diagnostic) {
            let folder = relative.isEmpty ? packRoot : packRoot + "/" + relative
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: folder)
            } catch {
                throw .error("zip.unreadable", "cannot list the folder: \(error.localizedDescription)", at: SourceLocation(file: folder))
            }
            for name in names.sorted() {
                let path = relative.isEmpty ? name : relative + "/" + name
                if name.hasPrefix(".") || (relative.isEmpty && name == "taizhang-manifest.tsv") { continue }
                if relative.isEmpty, let units = options.unitFolders {
                    var info = stat()
                    if lstat(packRoot + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, !units.contains(name) { continue }
                    if info.st_mode & S_IFMT != S_IFDIR { continue }
                }
                if !options.includeInternal && Self.isInternal(path) { continue }
                var info = stat()
                guard lstat(packRoot + "/" + path, &info) == 0 else {
                    skipped.append(path)
                    continue
                }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    result.append(Entry(relative: path, isDirectory: true, size: 0))
                    try walk(path)
                case S_IFREG:
                    result.append(Entry(relative: path, isDirectory: false, size: Int64(info.st_size)))
                default:
                    skipped.append(path)
                }
            }
        }
        try walk("")
        return (result, skipped)
    }

    /// Writes the zip to `path` (atomically).
    public func write(to path: String) throws -> Summary {
        let (entries, skipped) = try entries()
        let top = (packRoot as NSString).lastPathComponent
        let files = entries.filter { !$0.isDirectory }
        var sums: [String] = []
        // Zip times are local times without a zone, and ZIPFoundation writes the UTC fields of
        // the date: 00:00 UTC of the day shows as 00:00 of the day in Explorer.
        let date = ChinaTime.start(of: options.day).addingTimeInterval(8 * 3600)
        try AtomicFile.produce(at: path) { temporary in
            let archive: Archive
            do {
                archive = try Archive(url: URL(fileURLWithPath: temporary), accessMode: .create)
            } catch {
                throw Diagnostic.error("zip.write-failed", "cannot create the zip: \(error.localizedDescription)", at: SourceLocation(file: path))
            }
            try archive.addEntry(with: top + "/", type: .directory, uncompressedSize: Int64(0), modificationDate: date, provider: { _, _ in Data() })
            var done = 0
            for entry in entries {
                let name = top + "/" + entry.relative
                if entry.isDirectory {
                    try archive.addEntry(with: name + "/", type: .directory, uncompressedSize: Int64(0), modificationDate: date, provider: { _, _ in Data() })
                    continue
                }
                done += 1
                options.progress?(done, files.count, entry.relative)
                let source = packRoot + "/" + entry.relative
                guard let handle = FileHandle(forReadingAtPath: source) else {
                    throw Diagnostic.error("zip.unreadable", "cannot read the file", at: SourceLocation(file: source))
                }
                defer { try? handle.close() }
                let sha256: String
                do {
                    sha256 = try FileHasher.sha256(path: source)
                } catch {
                    throw Diagnostic.error("zip.unreadable", "cannot read the file: \(error.localizedDescription)", at: SourceLocation(file: source))
                }
                var read: Int64 = 0
                try archive.addEntry(
                    with: name, type: .file, uncompressedSize: entry.size, modificationDate: date, compressionMethod: .deflate,
                    provider: { _, size in
                        let chunk = try handle.read(upToCount: size) ?? Data()
                        read += Int64(chunk.count)
                        return chunk
                    })
                guard read == entry.size else {
                    throw Diagnostic.error("zip.file-changed", "the file changed while it was being packed; run the command again", at: SourceLocation(file: source))
                }
                sums.append("\(sha256)  \(entry.relative)")
            }
            let manifest = Data((sums.joined(separator: "\n") + (sums.isEmpty ? "" : "\n")).utf8)
            try archive.addEntry(
                with: top + "/" + Self.manifestName, type: .file, uncompressedSize: Int64(manifest.count), modificationDate: date,
                compressionMethod: .deflate,
                provider: { position, size in manifest.subdata(in: Int(position)..<min(Int(position) + size, manifest.count)) })
        }
        return Summary(
            files: files.count, folders: entries.count - files.count, bytes: files.reduce(0) { $0 + $1.size }, skipped: skipped)
    }
}
