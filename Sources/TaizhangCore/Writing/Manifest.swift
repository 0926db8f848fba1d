import Crypto
import Foundation

/// The list of files the generator wrote into a pack, with their SHA-256, so that a later run
/// can tell its own untouched files (safe to refresh or remove) from anything a user changed.
///
/// Stored as `taizhang-manifest.tsv` in the pack: one `sha256<TAB>size<TAB>path` line per file,
/// sorted by path, so it diffs well and is byte-identical between identical runs.
public struct Manifest: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var sha256: String
        public var size: Int
    }

    public static let header = "# taizhang manifest v1: sha256, size, path (generated files only)"

    public var entries: [String: Entry] = [:]

    public init(entries: [String: Entry] = [:]) { self.entries = entries }

    /// Reads a manifest; a missing or unreadable one is empty (every existing file is then
    /// treated as the user's and left alone).
    public static func read(from path: String) -> Manifest {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return Manifest() }
        var entries: [String: Entry] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, fields[0].count == 64, let size = Int(fields[1]) else { continue }
            entries[String(fields[2])] = Entry(sha256: String(fields[0]), size: size)
        }
        return Manifest(entries: entries)
    }

    public func serialized() -> [UInt8] {
        var text = Manifest.header + "\n"
        for path in entries.keys.sorted() {
            let entry = entries[path]!
            text += "\(entry.sha256)\t\(entry.size)\t\(path)\n"
        }
        return Array(text.utf8)
    }

    public static func sha256<D: DataProtocol>(_ bytes: D) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
