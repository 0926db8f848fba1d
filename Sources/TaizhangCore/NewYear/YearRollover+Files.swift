import Foundation
import TaizhangDiagnostics

extension YearRollover {
    /// Loads the workspace as it will be after the rollover, from a hidden copy of its
    /// checklists inside the workspace (removed afterwards). Paths in the diagnostics are the
    /// workspace's own.
    public func check(root: String) -> [Diagnostic] {
        let staging = root + "/.taizhang-new-year-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(atPath: staging, withIntermediateDirectories: false)
            try fileManager.copyItem(atPath: root + "/checklists", toPath: staging + "/checklists")
            for file in files where file.hasPrefix(root + "/") && !fileManager.fileExists(atPath: staging + file.dropFirst(root.count)) {
                let target = staging + file.dropFirst(root.count)
                try fileManager.createDirectory(atPath: URL(fileURLWithPath: target).deletingLastPathComponent().path, withIntermediateDirectories: true)
                try fileManager.copyItem(atPath: file, toPath: target)
            }
            for edit in edits where edit.file.hasPrefix(root + "/") {
                try Data(edit.content).write(to: URL(fileURLWithPath: staging + edit.file.dropFirst(root.count)))
            }
        } catch {
            return [.error("new-year.write", "cannot check next year's checklists: \(error.localizedDescription); nothing was changed")]
        }
        return WorkspaceLoader(root: staging).load().diagnostics.map { diagnostic in
            var mapped = diagnostic
            if let location = diagnostic.location, location.file.hasPrefix(staging + "/") {
                mapped.location?.file = root + location.file.dropFirst(staging.count)
            }
            return mapped
        }
    }

    /// Next year's files, written beside the originals under temporary names: `commit()`
    /// renames each over its original, `discard()` removes them. Writing them all first means a
    /// full disk or a read-only folder stops the rollover before any file has changed.
    public struct PreparedFiles: Sendable {
        fileprivate var pending: [(temporary: String, file: String)]

        public func commit() throws(Diagnostic) {
            for (temporary, file) in pending where rename(temporary, file) != 0 {
                throw .error("new-year.write", "cannot replace the file: \(String(cString: strerror(errno)))", at: SourceLocation(file: file))
            }
        }

        public func discard() {
            for (temporary, _) in pending { try? FileManager.default.removeItem(atPath: temporary) }
        }
    }

    public func prepareFiles() throws(Diagnostic) -> PreparedFiles {
        var prepared = PreparedFiles(pending: [])
        for edit in edits {
            let url = URL(fileURLWithPath: edit.file)
            let temporary = url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).taizhang-new-year-\(UUID().uuidString)"
            do {
                try Data(edit.content).write(to: URL(fileURLWithPath: temporary), options: .withoutOverwriting)
                if let permissions = try FileManager.default.attributesOfItem(atPath: edit.file)[.posixPermissions] {
                    try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: temporary)
                }
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                prepared.discard()
                throw .error("new-year.write", "cannot write next year's version: \(error.localizedDescription); nothing was changed", at: SourceLocation(file: edit.file))
            }
            prepared.pending.append((temporary, edit.file))
        }
        return prepared
    }
}

/// Last year's tracker database and pack, moved (never copied and deleted, never overwritten)
/// into `archive/<year>/` of the workspace.
public struct YearArchive: Sendable {
    public struct Move: Sendable, Equatable {
        public var from: String
        public var to: String
    }

    public let folder: String
    public let moves: [Move]

    /// `pack` is last year's pack folder, `database` the tracker database file (nil: a database
    /// server, which keeps each year apart itself); those that do not exist are left out (a
    /// database's `-wal` and `-shm` files go with it).
    public init(root: String, year: Int, pack: String, database: String?) {
        folder = root + "/archive/\(year)"
        var moves: [Move] = []
        if Self.exists(pack) { moves.append(Move(from: pack, to: folder + "/" + URL(fileURLWithPath: pack).lastPathComponent)) }
        if let database, Self.exists(database) {
            let name = URL(fileURLWithPath: database).lastPathComponent
            for suffix in ["", "-wal", "-shm"] where Self.exists(database + suffix) {
                moves.append(Move(from: database + suffix, to: folder + "/" + name + suffix))
            }
        }
        self.moves = moves
    }

    private static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Refuses before anything moves: a taken name in the archive, or a move across file
    /// systems (which would be a copy).
    public func check() throws(Diagnostic) {
        var ancestor = folder
        while !Self.exists(ancestor) { ancestor = URL(fileURLWithPath: ancestor).deletingLastPathComponent().path }
        var target = stat()
        guard stat(ancestor, &target) == 0 else {
            throw .error("new-year.archive", "cannot reach the archive folder", at: SourceLocation(file: folder))
        }
        for move in moves {
            if Self.exists(move.to) {
                throw .error(
                    "new-year.archive", "already exists; new-year never overwrites an archived file", at: SourceLocation(file: move.to),
                    notes: ["move it away, or look whether new-year has already run"])
            }
            var source = stat()
            if lstat(move.from, &source) == 0, source.st_dev != target.st_dev {
                throw .error(
                    "new-year.archive", "is on another file system than the workspace's archive/ folder; it would have to be copied", at: SourceLocation(file: move.from),
                    notes: ["copy it to \(move.to) yourself (taizhang backup --to for the database), then move it out of the way"])
            }
        }
    }

    /// Moves everything; on a failure moves back what had moved and throws.
    public func perform() throws(Diagnostic) {
        guard !moves.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .error("new-year.archive", "cannot create the archive folder: \(error.localizedDescription)", at: SourceLocation(file: folder))
        }
        var done: [Move] = []
        for move in moves {
            guard Self.move(move.from, to: move.to) else {
                let reason = String(cString: strerror(errno))
                undo(done)
                throw .error("new-year.archive", "cannot move it to \(move.to): \(reason); nothing was changed", at: SourceLocation(file: move.from))
            }
            done.append(move)
        }
    }

    /// Moves archived files back (after a later step failed).
    public func undo(_ done: [Move]? = nil) {
        for move in (done ?? moves).reversed() { _ = Self.move(move.to, to: move.from) }
    }

    /// A move that never replaces an existing file: link(2) refuses a taken name; a folder
    /// (which cannot be linked) is renamed after one more look.
    private static func move(_ from: String, to: String) -> Bool {
        if link(from, to) == 0 {
            if unlink(from) == 0 { return true }
            _ = unlink(to)
            return false
        }
        if errno == EEXIST { return false }
        return !exists(to) && rename(from, to) == 0
    }
}
