import Crypto
import Foundation

/// The list of files the generator wrote into a pack, with their SHA-256, so that a later run
/// can tell its own untouched files (safe to refresh or remove) from anything a user changed.
///
/// Stored as `taizhang-manifest.tsv` in the pack: one `sha256<TAB>size<TAB>fingerprint<TAB>path`
/// line per file, sorted by path, so it diffs well and is byte-identical between identical runs.
/// The fingerprint (`PageFingerprint`, `-` for none) says what the page was rendered from; a
/// version-1 manifest (no fingerprints) is still read.
///
/// The file is not trusted: a path that is not a plain relative path inside the pack (absolute,
/// `..`, `.`, empty components, backslashes) is refused and listed in `refused`, never used.
public struct Manifest: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var sha256: String
        public var size: Int
        /// What the page was rendered from (`PageFingerprint`); nil when unknown.
        public var fingerprint: String? = nil
    }

    public static let header = "# taizhang manifest v2: sha256, size, inputs fingerprint, path (generated files only)"

    public var entries: [String: Entry] = [:]
    /// Paths read from the file that point outside the pack or are malformed.
    public var refused: [String] = []

    public init(entries: [String: Entry] = [:]) { self.entries = entries }

    /// Whether `path` is a plain relative path that stays inside the folder it is relative to.
    public static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\\"), !path.contains("\0") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    /// Reads a manifest; a missing or unreadable one is empty (every existing file is then
    /// treated as the user's and left alone).
    public static func read(from path: String) -> Manifest {
        var manifest = Manifest()
        for (relative, entry) in lines(of: path) {
            if isSafeRelativePath(relative) {
                manifest.entries[relative] = entry
            } else {
                manifest.refused.append(relative)
            }
        }
        return manifest
    }

    /// Every `hash, size, path` line of a manifest or journal file, in file order.
    static func lines(of path: String) -> [(String, Entry)] {
        // Bytes, not a String: a city manifest has some 50,000 lines, and a String copy of it
        // stayed in memory beside the entries. Invalid UTF-8 is repaired in each field.
        guard let data = PackWriter.contents(of: path) else { return [] }
        var result: [(String, Entry)] = []
        let lines = data.split(separator: 0x0A)
        // Version 2 has a fingerprint column; journals and version 1 have none.
        let fingerprinted = lines.first.map { String(decoding: $0, as: UTF8.self) == header } ?? false
        for line in lines where line.first != UInt8(ascii: "#") {
            let fields = line.split(separator: 0x09, maxSplits: fingerprinted ? 3 : 2, omittingEmptySubsequences: false)
            guard fields.count >= 3, fields[0].count == 64, let size = Int(String(decoding: fields[1], as: UTF8.self)) else { continue }
            var entry = Entry(sha256: String(decoding: fields[0], as: UTF8.self), size: size)
            if fields.count == 4, !fields[2].elementsEqual("-".utf8) { entry.fingerprint = String(decoding: fields[2], as: UTF8.self) }
            result.append((String(decoding: fields[fields.count - 1], as: UTF8.self), entry))
        }
        return result
    }

    static func line(_ path: String, _ entry: Entry) -> String {
        "\(entry.sha256)\t\(entry.size)\t\(path)\n"
    }

    /// The file's bytes, built in place: a city's manifest is some 8 MB, and building it as a
    /// String first held it twice, beside a sorted copy of every entry.
    public func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Manifest.header.utf8.count + 1 + entries.count * 200)
        bytes.append(contentsOf: Manifest.header.utf8)
        bytes.append(0x0A)
        for path in entries.keys.sorted() {
            guard let entry = entries[path] else { continue }
            bytes.append(contentsOf: entry.sha256.utf8)
            bytes.append(0x09)
            bytes.append(contentsOf: String(entry.size).utf8)
            bytes.append(0x09)
            bytes.append(contentsOf: (entry.fingerprint ?? "-").utf8)
            bytes.append(0x09)
            bytes.append(contentsOf: path.utf8)
            bytes.append(0x0A)
        }
        return bytes
    }

    public static func sha256<D: DataProtocol>(_ bytes: D) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
