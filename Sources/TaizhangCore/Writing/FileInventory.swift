import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A user's document found in an item folder.
public struct UserFile: Sendable, Equatable {
    /// Relative to the item folder (files in sub-folders count too).
    public var name: String
    public var size: Int
    public var modified: Date
    /// Device, inode, size and times as `lstat` gave them (for `ScanCache`).
    public var stamp: FileStamp? = nil
}

/// Lists what users put into a pack. Generated files, temporary files and the manifest are
/// not the user's and are skipped.
public struct FileInventory: Sendable {
    public static func isGenerated(_ name: String) -> Bool {
        name == GeneratedName.itemSheet || name == GeneratedName.cover || name == GeneratedName.binderCatalogue
            || name == GeneratedName.index || name == GeneratedName.indexXML || name == GeneratedName.spineLabels
            || name == GeneratedName.manifest || name == GeneratedName.checklist
    }

    /// Hidden, temporary and system files that are never documents.
    public static func isNoise(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasPrefix("~$") || name == "Thumbs.db" || name == "desktop.ini"
    }

    /// The user's files in `folder`, recursively, sorted by name. Missing folder: none.
    ///
    /// Plain directory listings and `lstat`: Foundation's URL enumerator spent most of a scan
    /// converting paths. Symbolic links are not followed, not even when `folder` itself is one
    /// (a link cannot pull files from outside the pack into it). `skip` gets paths relative to
    /// `folder` and leaves out files that are not the user's (stale generated pages).
    public static func userFiles(in folder: String, skip: (String) -> Bool = { _ in false }) -> [UserFile] {
        var files: [UserFile] = []
        collect(openFolder(AT_FDCWD, folder), prefix: "", skip: skip, into: &files)
        return files.sorted { $0.name < $1.name }
    }

    /// The user's files in the folder `name` of the open folder `parent`, or nil when it is a
    /// symbolic link. The open tells (`O_NOFOLLOW`), so a folder that is not a link costs no
    /// `lstat` of its own, and no path is looked up from the root (`scan` lists thousands).
    public static func userFilesUnlessLink(named name: String, in parent: Int32) -> [UserFile]? {
        let fd = openFolder(parent, name)
        if fd < 0 {
            var info = stat()
            return fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 && info.st_mode & S_IFMT == S_IFLNK ? nil : []
        }
        var files: [UserFile] = []
        collect(fd, prefix: "", skip: { _ in false }, into: &files)
        return files.sorted { $0.name < $1.name }
    }

    /// A descriptor of the folder `path` (relative to `parent`), or -1 when it is missing, not
    /// a folder, or a symbolic link (never followed).
    public static func openFolder(_ parent: Int32, _ path: String) -> Int32 {
        openat(parent, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    }

    /// Whether `path` is a symbolic link (not followed).
    public static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    /// The first component of `relative` below `root` that is a symbolic link, if any.
    public static func symbolicLink(in relative: String, under root: String) -> String? {
        var prefix = ""
        for component in relative.split(separator: "/") {
            prefix += (prefix.isEmpty ? "" : "/") + component
            if isSymbolicLink(root + "/" + prefix) { return prefix }
        }
        return nil
    }

    /// Lists the open folder `fd` (closed when done; -1: nothing) and reads each entry's
    /// `lstat` relative to it (`fstatat`): no path is looked up again from the root per file.
    /// Sub-folders are opened the same way, never through a link.
    private static func collect(_ fd: Int32, prefix: String, skip: (String) -> Bool, into files: inout [UserFile]) {
        guard fd >= 0 else { return }
        guard let directory = fdopendir(fd) else {
            close(fd)
            return
        }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) { String(cString: $0) }
            }
            guard !isNoise(name) else { continue }  // also "." and ".."
            var info = stat()
            guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            let type = info.st_mode & S_IFMT
            if type == S_IFDIR {
                collect(openFolder(fd, name), prefix: prefix + name + "/", skip: skip, into: &files)
            } else if type == S_IFREG {
                if prefix.isEmpty && isGenerated(name) { continue }
                if skip(prefix + name) { continue }
                let seconds = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1_000_000_000
                files.append(
                    UserFile(name: prefix + name, size: Int(info.st_size), modified: Date(timeIntervalSince1970: seconds), stamp: FileStamp(info)))
            }
        }
    }

    /// Folders directly in `folder` that the plan does not expect and that hold something of
    /// the user's: what is left when an item or binder leaves the catalogue. `skip` gets paths
    /// relative to `folder`: generated pages about to be removed are not the user's files.
    public static func orphans(in folder: String, expected: Set<String>, skip: (String) -> Bool = { _ in false }) -> [(name: String, files: Int)] {
        guard !isSymbolicLink(folder), let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var result: [(String, Int)] = []
        for name in names.sorted() where !expected.contains(name) && !isNoise(name) && !isGenerated(name) {
            var info = stat()
            guard lstat(folder + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { continue }
            let count = userFiles(in: folder + "/" + name, skip: { skip(name + "/" + $0) }).count
            if count > 0 { result.append((name, count)) }
        }
        return result
    }
}
