import Foundation
import GRDB
import TaizhangCore
import Testing

@testable import TaizhangTracker

/// The store's own defences: what sits at its path, files changed under it, read-only
/// opening, and backup/restore through SQLite's online backup API.
@Suite struct DatabaseSafetyTests {
    @Test func aFolderAtTheDatabasePathIsRefused() throws {
        let directory = NSTemporaryDirectory() + "taizhang-folder-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/tracker.sqlite", withIntermediateDirectories: true)
        for readOnly in [false, true] {
            let error = #expect(throws: SQLiteTrackerStore.OpenError.self) { _ = try SQLiteTrackerStore(path: directory + "/tracker.sqlite", readOnly: readOnly) }
            #expect(error?.message == "this is a folder, not a tracker database file; it was left untouched — move it away or pass --db FILE")
        }
    }

    /// The durability the web's ticks rely on (#15 item 4): WAL, and commits that write the log
    /// before they return without waiting for the disk (synchronous=NORMAL). An acknowledged
    /// tick survives a kill -9 of the process (DatabaseCommandTests); a power cut may take the
    /// last ones since the log was last synced, never a half-written one.
    @Test func theStoreWritesAheadWithSynchronousNormal() throws {
        let f = try TrackerFixture()
        let (mode, synchronous) = try f.sqlite.pool.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal" && synchronous == 1)
    }

    @Test func aFIFOAtTheDatabasePathIsRefusedWithoutBlocking() throws {
        let directory = NSTemporaryDirectory() + "taizhang-fifo-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        #expect(mkfifo(directory + "/tracker.sqlite", 0o600) == 0)
        let error = #expect(throws: SQLiteTrackerStore.OpenError.self) { _ = try SQLiteTrackerStore(path: directory + "/tracker.sqlite") }
        #expect(error?.message.hasPrefix("this is not a regular file") == true)
    }

    /// #18 item 12: after the -wal file is deleted under an open store, a write would go into
    /// the unlinked log and vanish at the next kill -9; it must be refused instead.
    @Test(arguments: ["-wal", "-shm"]) func aWriteAfterTheLogWasDeletedIsRefused(_ suffix: String) throws {
        let f = try TrackerFixture()
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        let log = f.directory + "/tracker.sqlite" + suffix
        #expect(FileManager.default.fileExists(atPath: log))
        try FileManager.default.removeItem(atPath: log)
        #expect(throws: SQLiteTrackerStore.WriteRefused.self) { try f.tracker.tick(item: "01.07", unit: "wutongshan", by: "p13") }
        #expect(throws: SQLiteTrackerStore.WriteRefused.self) { try f.sqlite.setPasswordHash("x", person: "p13", at: f.clock) }
    }

    /// The ticks acknowledged before the deletion lived only in the deleted log: they are
    /// copied into the database file, so a kill -9 now loses nothing. (The database file
    /// alone, copied aside, is what a restarted process would find.)
    @Test func ticksAcknowledgedBeforeTheLogWasDeletedReachTheDatabaseFile() throws {
        let f = try TrackerFixture()
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        let path = f.directory + "/tracker.sqlite"
        try FileManager.default.removeItem(atPath: path + "-wal")
        #expect(throws: SQLiteTrackerStore.WriteRefused.self) { try f.tracker.tick(item: "01.07", unit: "wutongshan", by: "p13") }
        let alone = f.directory + "/alone/tracker.sqlite"
        try FileManager.default.createDirectory(atPath: f.directory + "/alone", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: path, toPath: alone)
        let restarted = try SQLiteTrackerStore(path: alone)
        #expect(try restarted.record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .ticked)
        #expect(try restarted.record(ItemKey(unit: "wutongshan", item: "01.07")) == nil)
    }

    /// The log deleted between the check before a write and the check inside its transaction:
    /// the write is refused, and the earlier ticks are still rescued into the database file
    /// (the rescue once ran inside the transaction, where GRDB stops the process).
    @Test func aLogDeletedJustBeforeTheTransactionIsRefusedAndRescued() throws {
        let f = try TrackerFixture()
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        let path = f.directory + "/tracker.sqlite"
        #expect(throws: SQLiteTrackerStore.WriteRefused.self) {
            try f.sqlite.write({ db in try db.execute(sql: "DELETE FROM item_status") }, beforeTransaction: { unlink(path + "-wal") })
        }
        let alone = f.directory + "/alone/tracker.sqlite"
        try FileManager.default.createDirectory(atPath: f.directory + "/alone", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: path, toPath: alone)
        #expect(try SQLiteTrackerStore(path: alone).record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .ticked)
    }

    @Test func aLogReplacedByAnotherFileIsNoticedToo() throws {
        let f = try TrackerFixture()
        let log = f.directory + "/tracker.sqlite-wal"
        try FileManager.default.moveItem(atPath: log, toPath: log + ".old")
        try Data().write(to: URL(fileURLWithPath: log))
        #expect(throws: SQLiteTrackerStore.WriteRefused.self) { try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13") }
    }

    @Test func aReadOnlyStoreReadsWithoutCreatingOrChangingFiles() throws {
        let f = try TrackerFixture()
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        let path = f.directory + "/tracker.sqlite"
        let reader = try SQLiteTrackerStore(path: path, readOnly: true)
        #expect(reader.isReadOnly)
        #expect(try reader.record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .ticked)
        #expect(throws: (any Error).self) { try reader.setPasswordHash("x", person: "p13", at: f.clock) }
        #expect(try f.store.passwordHash(person: "p13") == nil)
    }

    @Test func aReadOnlyStoreRefusesADatabaseThatNeedsMigrating() throws {
        let f = try TrackerFixture()
        let path = f.directory + "/tracker.sqlite"
        try f.sqlite.pool.writeWithoutTransaction { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3: evidence scans'")
        }
        let error = #expect(throws: SQLiteTrackerStore.OpenError.self) { _ = try SQLiteTrackerStore(path: path, readOnly: true) }
        #expect(error?.message.hasPrefix("the tracker database needs an upgrade, which a read-only command cannot make") == true)
    }

    /// Commands that only read still upgrade a database they may write (as generate did
    /// before read-only opening existed).
    @Test func aReaderThatMayWriteUpgradesTheDatabase() throws {
        let f = try TrackerFixture()
        let path = f.directory + "/tracker.sqlite"
        try f.sqlite.pool.writeWithoutTransaction { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3: evidence scans'; DROP TABLE scanChange; DROP TABLE scan; DROP TABLE document")
        }
        let reader = try SQLiteTrackerStore.forReading(path: path)
        #expect(!reader.isReadOnly)
        #expect(try reader.scans().isEmpty)
    }

    @Test func aBackupIsAConsistentSelfContainedCopyAndNeverOverwrites() throws {
        let f = try TrackerFixture()
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        let backup = f.directory + "/backup.sqlite"
        try f.sqlite.backup(to: backup)
        #expect(!FileManager.default.fileExists(atPath: backup + "-wal"))
        let copy = try SQLiteTrackerStore(path: backup, readOnly: true)
        #expect(try copy.record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .ticked)
        #expect(try copy.events(EventFilter()).count == 1)
        let before = try Data(contentsOf: URL(fileURLWithPath: backup))
        #expect(throws: SQLiteTrackerStore.OpenError.self) { try f.sqlite.backup(to: backup) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: backup)) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: f.directory).filter { $0.hasPrefix(".taizhang-backup-") }
        #expect(leftovers.isEmpty)
    }

    /// Restoring goes through the backup API into the live database, so a store that is open
    /// (as taizhang serve's is) sees the restored content and can keep writing.
    @Test func restoreReplacesTheContentOnlineAndKeepsADatedCopy() throws {
        let f = try TrackerFixture()
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        let backup = f.directory + "/backup.sqlite"
        try f.sqlite.backup(to: backup)
        try f.tracker.tick(item: "01.07", unit: "wutongshan", by: "p13")
        let path = f.directory + "/tracker.sqlite"
        let date = Date(timeIntervalSince1970: 1_417_000_000)
        let stamp = f.tracker.sessionsStamp()
        let kept = try #require(try SQLiteTrackerStore.restore(from: backup, into: path, at: date))
        // The restored sessions replace the held ones: a server's kept sessions are forgotten.
        #expect(f.tracker.sessionsStamp() != stamp)
        #expect(kept == f.directory + "/tracker-before-restore-2014-11-26T190640+0800.sqlite")
        #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.07")) == nil)
        #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .ticked)
        try f.tracker.tick(item: "01.08", unit: "wutongshan", by: "p13")
        let old = try SQLiteTrackerStore(path: kept, readOnly: true)
        #expect(try old.record(ItemKey(unit: "wutongshan", item: "01.07"))?.status == .ticked)
        // A second restore in the same second gets its own name.
        #expect(try SQLiteTrackerStore.restore(from: backup, into: path, at: date) == f.directory + "/tracker-before-restore-2014-11-26T190640+0800-2.sqlite")
    }

    @Test func restoreRefusesWhatIsNotASoundTrackerBackup() throws {
        let f = try TrackerFixture()
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        let path = f.directory + "/tracker.sqlite"
        let foreign = f.directory + "/foreign.sqlite"
        let queue = try DatabaseQueue(path: foreign)
        try queue.write { db in try db.execute(sql: "CREATE TABLE customers(id INTEGER)") }
        try queue.close()
        var error = #expect(throws: SQLiteTrackerStore.OpenError.self) { _ = try SQLiteTrackerStore.restore(from: foreign, into: path, at: Date()) }
        #expect(error?.message == "not a Taizhang tracker database; nothing was restored")
        error = #expect(throws: SQLiteTrackerStore.OpenError.self) { _ = try SQLiteTrackerStore.restore(from: path, into: path, at: Date()) }
        #expect(error?.message == "this is the tracker database itself, not a backup of it")
        error = #expect(throws: SQLiteTrackerStore.OpenError.self) { _ = try SQLiteTrackerStore.restore(from: f.directory, into: path, at: Date()) }
        #expect(error?.message == "not a file; pass a backup made with taizhang backup")
        #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .ticked)
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.directory).filter { $0.contains("before-restore") }.isEmpty)
    }
}
