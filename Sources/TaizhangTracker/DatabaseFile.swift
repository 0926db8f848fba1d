import Foundation

/// What is at a database path, looked at with `stat(2)` and the throwing `FileHandle` calls
/// before SQLite or Foundation open it: a folder or a device is refused with a message
/// instead of trapping inside Foundation, and a write-ahead log replaced under a running
/// server is noticed by its changed identity.
enum DatabaseFile {
    /// The device and inode of a file: equal identities are the same file, whatever its name.
    struct Identity: Equatable, Sendable {
        let device: UInt64
        let inode: UInt64
    }

    enum Kind: Equatable {
        case missing
        case regular(Identity)
        case folder
        /// A FIFO, socket or device.
        case other
        /// `stat` failed for another reason than absence (permissions, a loop of links).
        case unreadable(String)
    }

    /// The kind of what is at `path`, following symbolic links.
    static func kind(_ path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT || errno == ENOTDIR ? .missing : .unreadable(String(cString: strerror(errno)))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular(Identity(device: UInt64(truncatingIfNeeded: info.st_dev), inode: UInt64(truncatingIfNeeded: info.st_ino)))
        case S_IFDIR: return .folder
        default: return .other
        }
    }

    /// The identity of a regular file, or nil when there is none at `path`.
    static func identity(_ path: String) -> Identity? {
        if case .regular(let identity) = kind(path) { return identity }
        return nil
    }

    /// The first `count` bytes of a regular file (fewer when it is shorter).
    static func head(_ path: String, count: Int) throws -> Data {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        return try handle.read(upToCount: count) ?? Data()
    }

    /// A `file:` URI for `sqlite3_open_v2` with query parameters such as `immutable=1`.
    static func uri(_ path: String, _ query: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
        return "file:" + (path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path) + "?" + query
    }
}
