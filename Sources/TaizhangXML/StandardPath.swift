import Foundation

/// `URL(fileURLWithPath: path).standardizedFileURL.path`, without URL for a path that is
/// already standard. Foundation's version stats the path (to learn whether it is a folder),
/// builds a URL and, on its first use, a `Set<UInt8>` whose metadata costs a scan of every
/// protocol conformance in the binary; `validate` did it once per `xi:include`.
/// `StandardPathTests` holds both readings together.
public enum StandardPath {
    public static func of(_ path: String) -> String {
        isStandard(path) ? path : URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The standard path of `relative` resolved against the folder that holds `file` (a
    /// standard path), as `URL(fileURLWithPath: file).deletingLastPathComponent()
    /// .appendingPathComponent(relative)` then `of`.
    public static func sibling(_ relative: String, of file: String) -> String {
        if isStandard(file), let slash = file.utf8.lastIndex(of: UInt8(ascii: "/")) {
            let joined = String(file[..<slash]) + "/" + relative
            if isStandard(joined) { return joined }
        }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        return of(folder.appendingPathComponent(relative).path)
    }

    /// Absolute, at least one component, no empty, `.` or `..` component, no trailing slash,
    /// none of the prefixes Foundation rewrites (`/private`, `/var/automount`), and only bytes
    /// a file URL keeps as they are (no control characters, `%`, `\`, `;`, `?`, `#`, `[`, `]`).
    /// Anything else is left to Foundation.
    static func isStandard(_ path: String) -> Bool {
        let bytes = path.utf8
        guard bytes.count > 1, bytes.first == UInt8(ascii: "/"), bytes.last != UInt8(ascii: "/") else { return false }
        if path.hasPrefix("/private") || path.hasPrefix("/var/automount") { return false }
        // Length of the current component and how many of its bytes are dots.
        var length = 0
        var dots = 0
        for byte in bytes.dropFirst() {
            switch byte {
            case UInt8(ascii: "/"):
                if length == 0 || (length == dots && dots <= 2) { return false }
                length = 0
                dots = 0
                continue
            case 0..<0x20, 0x7F, UInt8(ascii: "%"), UInt8(ascii: "\\"), UInt8(ascii: ";"), UInt8(ascii: "?"), UInt8(ascii: "#"),
                UInt8(ascii: "["), UInt8(ascii: "]"):
                return false
            case UInt8(ascii: "."):
                dots += 1
            default:
                break
            }
            length += 1
        }
        return !(length == dots && dots <= 2)
    }
}
