import Foundation
import GRDB
import TaizhangCore

/// Backups with SQLite's online backup API: a consistent copy taken page by page while the
/// web page and other commands keep working, and a restore through the same API, so a
/// running server sees the restored data instead of a file swapped under it.
extension SQLiteTrackerStore {
    /// Copies the database to `destination`, a new file (an existing file is never
    /// overwritten). The copy is a self-contained SQLite file (rollback journal, no -wal).
    public func backup(to destination: String) throws(OpenError) {
        let exists = OpenError(path: destination, message: "already exists; a backup never overwrites a file — choose a new name")
        guard DatabaseFile.kind(destination) == .missing else { throw exists }
        let folder = URL(fileURLWithPath: destination).deletingLastPathComponent().path
        guard case .folder = DatabaseFile.kind(folder) else {
            throw OpenError(path: destination, message: "the folder \(folder) does not exist")
        }
        let temporary = folder + "/.taizhang-backup-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        do {
            try copy(to: temporary)
        } catch {
            throw OpenError(path: destination, message: "the backup failed, nothing was written: \(error)")
        }
        // link(2) fails instead of replacing a file that appeared meanwhile; file systems
        // without hard links (a FAT USB stick) get a rename after one more look.
        if link(temporary, destination) != 0 {
            guard errno != EEXIST, DatabaseFile.kind(destination) == .missing else { throw exists }
            guard rename(temporary, destination) == 0 else {
                throw OpenError(path: destination, message: "cannot create the backup file: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Copies the whole database into a new file at `path` and closes it.
    private func copy(to path: String) throws {
        let destination = try DatabaseQueue(path: path)
        try pool.backup(to: destination)
        try destination.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
        }
        try destination.close()
    }

    /// Replaces the content of the database at `path` with the backup `source`, after
    /// checking that `source` is a sound Taizhang tracker database. The replaced content is
    /// first copied to a dated file next to the database, whose path is returned (nil when
    /// there was no database yet). Nothing is deleted.
    public static func restore(from source: String, into path: String, at date: Date) throws(OpenError) -> String? {
        try checkBackup(source)
        if let backup = DatabaseFile.identity(source), backup == DatabaseFile.identity(path) {
            throw OpenError(path: source, message: "this is the tracker database itself, not a backup of it")
        }
        let existed = DatabaseFile.kind(path) != .missing
        let store = try SQLiteTrackerStore(path: path)
        var kept: String?
        if existed {
            let copy = datedCopyPath(path, date)
            try store.backup(to: copy)
            kept = copy
        }
        do {
            let backup = try openBackup(source)
            try store.replace(with: backup)
        } catch let error as OpenError {
            throw error
        } catch {
            throw OpenError(path: path, message: "the restore failed and the database was left as it was: \(error)")
        }
        // The restored sessions replace every session held: running servers must read them again.
        do {
            try store.bumpSessionsStamp()
        } catch {
            throw OpenError(path: path, message: "restored, but a running taizhang serve may keep its sessions until it restarts: \(error)")
        }
        return kept
    }

    /// Overwrites every page of the database with the backup's, in one write transaction
    /// that other connections see at once, then brings an older backup's tables up to date.
    private func replace(with backup: DatabaseQueue) throws {
        try checkFiles()
        try backup.backup(to: pool)
        try Self.migrator.migrate(pool)
    }

    /// `tracker-before-restore-2026-11-30T161500+0800.sqlite`, beside the database; never an existing name.
    static func datedCopyPath(_ path: String, _ date: Date) -> String {
        let url = URL(fileURLWithPath: path)
        let stem = url.deletingPathExtension().lastPathComponent
        let folder = url.deletingLastPathComponent().path
        let stamp = ChinaTime.isoTimestamp(date).replacingOccurrences(of: ":", with: "")
        var candidate = "\(folder)/\(stem)-before-restore-\(stamp).sqlite"
        var number = 2
        while DatabaseFile.kind(candidate) != .missing {
            candidate = "\(folder)/\(stem)-before-restore-\(stamp)-\(number).sqlite"
            number += 1
        }
        return candidate
    }

    /// A backup must be a regular file, SQLite, Taizhang's (by application id, with the
    /// migrations table), not from a newer Taizhang, and pass SQLite's integrity check.
    static func checkBackup(_ source: String) throws(OpenError) {
        guard case .regular = DatabaseFile.kind(source) else {
            throw OpenError(path: source, message: "not a file; pass a backup made with taizhang backup")
        }
        do {
            let queue = try openBackup(source)
            let (id, migrations, check) = try queue.read { db in
                (
                    try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                    try migrator.appliedIdentifiers(db),
                    try String.fetchAll(db, sql: "PRAGMA quick_check")
                )
            }
            try queue.close()
            guard id == applicationID, !migrations.isEmpty else {
                throw OpenError(path: source, message: "not a Taizhang tracker database; nothing was restored")
            }
            guard migrations.isSubset(of: Set(migrator.migrations)) else {
                throw OpenError(path: source, message: "this backup was made by a newer Taizhang; nothing was restored")
            }
            guard check == ["ok"] else {
                throw OpenError(path: source, message: "the backup is damaged (\(check.prefix(3).joined(separator: "; "))); nothing was restored")
            }
        } catch let error as OpenError {
            throw error
        } catch {
            throw OpenError(path: source, message: "not a readable Taizhang tracker database (\(error)); nothing was restored")
        }
    }

    private static func openBackup(_ source: String) throws -> DatabaseQueue {
        let head = try DatabaseFile.head(source, count: 16)
        guard head == Data("SQLite format 3\0".utf8) else {
            throw OpenError(path: source, message: "not a Taizhang tracker database (not even SQLite); nothing was restored")
        }
        return try openForReading(source)
    }
}
