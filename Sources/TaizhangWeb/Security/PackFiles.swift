import Foundation
import TaizhangCore

/// Read-only access to the generated pack (`output/<street>-<year>`) for the web page, so the
/// links inside the generated indexes work when served.
///
/// Refused (answered as "not found", the same as a missing path): any path component that is
/// empty, `.` or `..`, hidden (leading dot: temp files), holds a slash, backslash or NUL, or
/// names an internal folder or file (`内部资料`, e.g. `99 模拟检查（内部资料）` with household
/// data); any symbolic link, anywhere on the path (so nothing outside the pack is reachable);
/// anything but a regular file or a folder.
struct PackFiles: Sendable {
    let root: String

    /// What a path names.
    enum Target: Equatable {
        case file(path: String, size: Int)
        case folder(path: String)
    }

    struct NotServed: Error {}

    /// Listed or served only if this holds for the name.
    static func isServable(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.hasPrefix(".")
            && !name.contains("/") && !name.contains("\\") && !name.contains("\0")
            && !name.contains("内部资料") && name != GeneratedName.walkthroughFolder
    }

    /// Resolves decoded path components below the root, checking every step with `lstat`.
    func resolve(_ components: [String]) throws(NotServed) -> Target {
        var path = root
        var info = stat()
        guard lstat(root, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { throw NotServed() }
        for name in components {
            guard Self.isServable(name), info.st_mode & S_IFMT == S_IFDIR else { throw NotServed() }
            path += "/" + name
            guard lstat(path, &info) == 0 else { throw NotServed() }
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .folder(path: path)
        case S_IFREG: return .file(path: path, size: Int(info.st_size))
        default: throw NotServed()
        }
    }

    /// A folder's servable entries (no symlinks, no special files), folders first, by name.
    func list(_ folder: String) -> [(name: String, isFolder: Bool, size: Int)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var entries: [(name: String, isFolder: Bool, size: Int)] = []
        for name in names where Self.isServable(name) {
            var info = stat()
            guard lstat(folder + "/" + name, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: entries.append((name, true, 0))
            case S_IFREG: entries.append((name, false, Int(info.st_size)))
            default: continue
            }
        }
        return entries.sorted { ($0.isFolder ? 0 : 1, $0.name) < ($1.isFolder ? 0 : 1, $1.name) }
    }

    /// The content type by extension, and whether the browser should download the file
    /// rather than show it.
    static func contentType(of name: String) -> (type: String, download: Bool) {
        let ext = (name as NSString).pathExtension.lowercased()
        switch ext {
        case "html", "htm": return ("text/html; charset=utf-8", false)
        case "xml": return ("application/xml; charset=utf-8", false)
        case "txt", "tsv", "csv": return ("text/plain; charset=utf-8", false)
        case "pdf": return ("application/pdf", false)
        case "png": return ("image/png", false)
        case "jpg", "jpeg": return ("image/jpeg", false)
        case "gif": return ("image/gif", false)
        case "doc": return ("application/msword", true)
        case "docx": return ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", true)
        case "xls": return ("application/vnd.ms-excel", true)
        case "xlsx": return ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", true)
        default: return ("application/octet-stream", true)
        }
    }

    /// The URL path of a pack path given as components (each percent-encoded).
    static func href(_ components: [String], folder: Bool = false) -> String {
        "/pack/" + components.map(encode).joined(separator: "/") + (folder && !components.isEmpty ? "/" : "")
    }

    /// Percent-encodes everything but ASCII letters, digits and `-._~` (a URL path component
    /// that is also valid in a Location header): each other UTF-8 byte as `%XX`, upper-case, as
    /// `addingPercentEncoding` does, without going through Foundation (every row of the items
    /// page has links).
    static func encode(_ name: String) -> String {
        var name = name
        return name.withUTF8 { bytes in
            if bytes.allSatisfy(isUnreserved) { return String(decoding: bytes, as: UTF8.self) }
            let hex = Array("0123456789ABCDEF".utf8)
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count * 3)
            for byte in bytes {
                if isUnreserved(byte) {
                    out.append(byte)
                } else {
                    out += [0x25, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E: true
        default: false
        }
    }
}
