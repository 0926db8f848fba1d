import Foundation
import GRDB
import Synchronization
import TaizhangCore

/// The embedded tracker store: one SQLite file through GRDB, in WAL mode with a busy
/// timeout, so several processes (command line and web page) can write at once.
public final class SQLiteTrackerStore: TrackerStore {
    /// `PRAGMA application_id` of Taizhang databases ("TZH1"): a foreign SQLite file is refused.
    static let applicationID: Int32 = 0x545A_4831

    let pool: any DatabaseWriter
    public let path: String
    /// True when the store was opened for reading only: every write fails.
    public let isReadOnly: Bool
    /// The database file, its write-ahead log and the log's index as they were when the store
    /// opened. Writing after one of them was deleted or replaced would go into an unlinked
    /// file and be lost at the next crash, so writes are refused instead.
    private let files: [DatabaseFile.Identity?]
    /// Whether the write-ahead log was checkpointed after `files` changed (see `checkFiles`).
    private let rescue = Mutex(false)

    public struct OpenError: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let message: String
        public var description: String { "\(path): \(message)" }
    }

    /// A write the store refused because its files changed under it.
    public struct WriteRefused: Error, CustomStringConvertible, Sendable {
        public let path: String
        public var description: String {
            "\(path): the database's write-ahead log (-wal) or its index (-shm) was deleted or replaced while Taizhang had it open; "
                + "this change was not saved, and earlier changes were copied into the database file. "
                + "Stop every Taizhang process (taizhang serve too) and start again"
        }
    }

    /// Opens (or creates) the store. A file that is not SQLite, or another program's SQLite
    /// database, or a folder, is an error: it is never reset or overwritten.
    ///
    /// With `readOnly`, an existing database is opened for reading only, without switching
    /// it to WAL or migrating it, so read-only commands work on a file or folder the user may
    /// not write. A database that does not exist yet is created as usual.
    public init(path: String, readOnly: Bool = false) throws(OpenError) {
        self.path = path
        if readOnly, try Self.examine(path) {
            pool = try Self.openReadOnly(path)
            isReadOnly = true
            files = []
            return
        }
        pool = try Self.openReadWrite(path)
        isReadOnly = false
        files = Self.identities(path)
    }

    /// The store for a command that only reads: opened as usual (migrated if needed) when
    /// this process may write the database, else read-only.
    public static func forReading(path: String) throws(OpenError) -> SQLiteTrackerStore {
        try SQLiteTrackerStore(path: path, readOnly: !isWritable(path))
    }

    /// False when this process may not write the database at `path` or its folder (file
    /// permissions, a read-only mount), which SQLite needs for its -wal and -shm files.
    public static func isWritable(_ path: String) -> Bool {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return DatabaseFile.kind(path) == .missing || (access(path, W_OK) == 0 && access(folder, W_OK) == 0)
    }

    private static func identities(_ path: String) -> [DatabaseFile.Identity?] {
        [path, path + "-wal", path + "-shm"].map(DatabaseFile.identity)
    }

    private static func openReadWrite(_ path: String) throws(OpenError) -> DatabasePool {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OpenError(path: path, message: "cannot create the folder of the tracker database: \(error.localizedDescription)")
        }
        // Creating the file, switching it to WAL and migrating it are not safe to run in
        // several processes at once (SQLite answers "database is locked" to a journal-mode
        // change without waiting, and two migrators would both create the tables), so
        // processes take turns for the opening; afterwards WAL and the busy timeout suffice.
        let turn = try OpeningTurn(directory: directory, path: path)
        defer { turn.release() }
        _ = try examine(path)
        let pool: DatabasePool
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            configuration.label = "taizhang-tracker"
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw OpenError(path: path, message: readOnlyHint(error) ?? "cannot open the tracker database: \(error)")
        }
        do {
            try claim(pool)
            try migrator.migrate(pool)
        } catch {
            throw OpenError(path: path, message: readOnlyHint(error) ?? "the tracker database is damaged or unreadable: \(error)")
        }
        return pool
    }

    /// The message for a database this process may not write, or nil for other errors.
    private static func readOnlyHint(_ error: any Error) -> String? {
        guard let error = error as? DatabaseError, error.resultCode == .SQLITE_READONLY || error.resultCode == .SQLITE_CANTOPEN else { return nil }
        return "the tracker database (or its folder) is read-only for this user; this command writes. "
            + "Read-only commands (status, log, tasks, generate, backup) still work (\(error.message ?? "\(error.resultCode)"))"
    }

    /// Opens an existing database for reading only: no WAL switch, no migration.
    private static func openReadOnly(_ path: String) throws(OpenError) -> DatabaseQueue {
        let queue: DatabaseQueue
        do {
            queue = try openForReading(path)
        } catch {
            throw OpenError(path: path, message: "cannot open the tracker database for reading: \(error)")
        }
        let current: Bool
        do {
            current = try queue.read { db in try migrator.hasCompletedMigrations(db) }
        } catch {
            throw OpenError(path: path, message: "the tracker database is damaged or unreadable: \(error)")
        }
        guard current else {
            throw OpenError(
                path: path,
                message: "the tracker database needs an upgrade, which a read-only command cannot make; "
                    + "run a command that writes (such as taizhang tick) once as a user who may write the file and its folder")
        }
        return queue
    }

    /// Refuses what must never be opened: a folder, a device or FIFO, a file that is not
    /// SQLite, another program's database. True when a database file exists at `path`.
    private static func examine(_ path: String) throws(OpenError) -> Bool {
        switch DatabaseFile.kind(path) {
        case .missing:
            return false
        case .folder:
            throw OpenError(path: path, message: "this is a folder, not a tracker database file; it was left untouched — move it away or pass --db FILE")
        case .other:
            throw OpenError(path: path, message: "this is not a regular file (a FIFO, socket or device); it was left untouched — pass --db FILE")
        case .unreadable(let reason):
            throw OpenError(path: path, message: "cannot look at the tracker database: \(reason)")
        case .regular:
            let head: Data
            do {
                head = try DatabaseFile.head(path, count: 16)
            } catch {
                throw OpenError(path: path, message: "cannot read the tracker database: \(error.localizedDescription)")
            }
            if !head.isEmpty && head != Data("SQLite format 3\0".utf8) {
                throw OpenError(path: path, message: "not a Taizhang tracker database (not even SQLite); it was left untouched — move it away or pass --db")
            }
            try checkOwnership(path)
            return true
        }
    }

    /// Runs a write transaction, after checking inside it, before any change, that the files
    /// opened are still the files at the database's path (see `files`): three `stat`s per write.
    /// (A second check before the transaction added three more and caught nothing this one
    /// misses.) `beforeTransaction` runs just before the transaction (tests change the files there).
    func write<T>(_ updates: (Database) throws -> T, beforeTransaction: () -> Void = {}) throws -> T {
        beforeTransaction()
        do {
            return try pool.write { db in
                // Inside the transaction only look: the rescue's checkpoint needs the writer,
                // which this transaction holds (GRDB stops the process on a nested write).
                guard !filesChanged else { throw WriteRefused(path: path) }
                return try updates(db)
            }
        } catch let refused as WriteRefused {
            rescueOnce()
            throw refused
        }
    }

    /// Whether the database's files changed since the store opened.
    private var filesChanged: Bool { !isReadOnly && Self.identities(path) != files }

    /// Throws when the database's files changed since the store opened, after `rescueOnce`.
    func checkFiles() throws(WriteRefused) {
        guard !filesChanged else {
            rescueOnce()
            throw WriteRefused(path: path)
        }
    }

    /// The first time the files are found changed, the changes still in the (now unlinked)
    /// write-ahead log are checkpointed into the database file through the connection that
    /// still holds the log open: the changes acknowledged before the deletion then survive a
    /// crash. Must not run inside a transaction of this store.
    private func rescueOnce() {
        rescue.withLock { rescued in
            guard !rescued else { return }
            rescued = true
            _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.full) }
        }
    }

    /// Looks at an existing file read-only, before anything (such as switching to WAL) could
    /// change it: it must be empty or a Taizhang database.
    private static func checkOwnership(_ path: String) throws(OpenError) {
        do {
            let queue = try openForReading(path)
            let (id, tables) = try queue.read { db in
                (
                    try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
                )
            }
            try queue.close()
            if id != applicationID && !(id == 0 && tables == 0) {
                throw OpenError(path: path, message: "this SQLite database belongs to another program; it was left untouched — pass --db to use another file")
            }
        } catch let error as OpenError {
            throw error
        } catch {
            throw OpenError(path: path, message: "the tracker database is damaged or unreadable (\(error)); it was left untouched")
        }
    }

    /// A read-only connection that changes nothing on disk. When the folder is read-only
    /// too and no write-ahead log is left to read, SQLite cannot create the log's index
    /// (-shm), so the file is opened as immutable: nobody can be writing to it then.
    static func openForReading(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        configuration.label = "taizhang-tracker-readonly"
        func open(_ location: String) throws -> DatabaseQueue {
            let queue = try DatabaseQueue(path: location, configuration: configuration)
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            return queue
        }
        do {
            return try open(path)
        } catch let error as DatabaseError
            where DatabaseFile.kind(path + "-wal") == .missing
            && (error.resultCode == .SQLITE_READONLY || error.resultCode == .SQLITE_CANTOPEN)
        {
            return try open(DatabaseFile.uri(path, "immutable=1"))
        }
    }

    /// Marks a new database as Taizhang's.
    private static func claim(_ pool: DatabasePool) throws {
        try pool.write { db in
            let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            if id == 0 { try db.execute(sql: "PRAGMA application_id = \(Self.applicationID)") }
        }
    }

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: items, events, tasks") { db in
            try db.create(table: "item_status") { t in
                t.column("unit", .text).notNull()
                t.column("item", .text).notNull()
                t.column("status", .text).notNull()
                t.column("by", .text)
                t.column("at", .datetime)
                t.column("note", .text)
                t.column("flagged", .boolean).notNull().defaults(to: false)
                t.primaryKey(["unit", "item"])
            }
            try db.create(table: "event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull()
                t.column("actor", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("unit", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("old", .text)
                t.column("new", .text)
                t.column("note", .text)
            }
            try db.create(index: "event_at", on: "event", columns: ["at"])
            try db.create(index: "event_unit", on: "event", columns: ["unit", "at"])
            try db.create(table: "task") { t in
                t.primaryKey("id", .text)
                t.column("groupId", .text).notNull()
                t.column("title", .text).notNull()
                t.column("owner", .text).notNull()
                t.column("due", .text)
                t.column("state", .text).notNull()
                t.column("doneBy", .text)
                t.column("doneAt", .datetime)
            }
            // The audit trail is append-only: refuse updates and deletes at the database level.
            try db.execute(
                sql: """
                    CREATE TRIGGER event_no_update BEFORE UPDATE ON event BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                    CREATE TRIGGER event_no_delete BEFORE DELETE ON event BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                    """)
        }
        migrator.registerMigration("v2: web accounts") { db in
            try db.create(table: "account") { t in
                t.primaryKey("person", .text)
                t.column("passwordHash", .text).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v3: evidence scans") { db in
            try db.create(table: "document") { t in
                t.primaryKey("path", .text)
                t.column("unit", .text).notNull()
                t.column("item", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("modified", .double).notNull()
                t.column("sha256", .text).notNull()
            }
            try db.create(index: "document_unit", on: "document", columns: ["unit", "item"])
            try db.create(table: "scan") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull()
                t.column("scope", .text)
                t.column("files", .integer).notNull()
                t.column("hashed", .integer).notNull()
            }
            try db.create(table: "scanChange") { t in
                t.column("scan", .integer).notNull().references("scan")
                t.column("path", .text).notNull()
                t.column("unit", .text).notNull()
                t.column("item", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("sha256", .text).notNull()
            }
            try db.create(index: "scanChange_scan", on: "scanChange", columns: ["scan"])
        }
        migrator.registerMigration("v4: mock cases and rates") { db in
            try db.create(table: "mockMeasure") { t in
                t.column("unit", .text).notNull()
                t.column("item", .text).notNull()
                t.column("cases", .integer)
                t.column("rate", .double)
                t.column("actor", .text).notNull()
                t.column("at", .datetime).notNull()
                t.primaryKey(["unit", "item"])
            }
        }
        migrator.registerMigration("v5: web sessions") { db in
            try db.create(table: "webSession") { t in
                t.primaryKey("tokenHash", .text)
                t.column("person", .text).notNull()
                t.column("csrf", .text).notNull()
                t.column("expires", .datetime).notNull()
                t.column("lastUsed", .datetime).notNull()
            }
        }
        migrator.registerMigration("v6: sign-in throttle") { db in
            try db.create(table: "signInThrottle") { t in
                t.primaryKey("key", .text)
                t.column("failures", .integer).notNull()
                t.column("last", .datetime).notNull()
            }
            try db.create(index: "signInThrottle_last", on: "signInThrottle", columns: ["last"])
        }
        return migrator
    }()

    // MARK: Rows

    private struct ItemRow: Codable, FetchableRecord, PersistableRecord {
        static let databaseTableName = "item_status"
        var unit: String
        var item: String
        var status: String
        var by: String?
        var at: Date?
        var note: String?
        var flagged: Bool

        var record: ItemRecord {
            ItemRecord(
                key: ItemKey(unit: unit, item: item), status: ItemStatus(rawValue: status) ?? .notReviewed,
                by: by, at: at, note: note, flagged: flagged)
        }
    }

    private struct EventRow: Codable, FetchableRecord, MutablePersistableRecord {
        static let databaseTableName = "event"
        var id: Int64?
        var at: Date
        var actor: String
        var kind: String
        var unit: String
        var subject: String
        var old: String?
        var new: String?
        var note: String?

        mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

        init(_ e: TrackerEvent) {
            id = nil; at = e.at; actor = e.actor; kind = e.kind.rawValue; unit = e.unit
            subject = e.subject; old = e.old; new = e.new; note = e.note
        }

        var event: TrackerEvent {
            TrackerEvent(
                id: id ?? 0, at: at, actor: actor, kind: TrackerEvent.Kind(rawValue: kind) ?? .item, unit: unit,
                subject: subject, old: old, new: new, note: note)
        }
    }

    private struct TaskRow: Codable, FetchableRecord, PersistableRecord {
        static let databaseTableName = "task"
        var id: String
        var groupId: String
        var title: String
        var owner: String
        var due: String?
        var state: String
        var doneBy: String?
        var doneAt: Date?

        var record: TaskRecord {
            TaskRecord(
                id: id, group: groupId, title: title, owner: owner, due: due.flatMap(Day.init),
                state: TaskState(rawValue: state) ?? .open, doneBy: doneBy, doneAt: doneAt)
        }
    }

    // MARK: TrackerStore

    public func appliedMigrations() throws -> [String] {
        let applied = try pool.read { db in try Self.migrator.appliedIdentifiers(db) }
        return Self.migrator.migrations.filter(applied.contains)
    }

    public func items() throws -> [ItemRecord] {
        try pool.read { db in try ItemRow.order(Column("unit"), Column("item")).fetchAll(db).map(\.record) }
    }

    /// One unit's records come from the primary key's range (unit, item), read column by
    /// column: the items page reads them on every reload. One unit is one statement, which
    /// reads one snapshot by itself, so it runs without GRDB's BEGIN … COMMIT around it.
    public func items(units: Set<String>) throws -> [ItemRecord] {
        let read = { (db: Database) throws -> [ItemRecord] in
            var records: [ItemRecord] = []
            for unit in units.sorted() {
                let rows = try Row.fetchCursor(
                    db.cachedStatement(sql: "SELECT item, status, by, at, note, flagged FROM item_status WHERE unit = ? ORDER BY item"),
                    arguments: [unit])
                while let row = try rows.next() {
                    records.append(
                        ItemRecord(
                            key: ItemKey(unit: unit, item: row[0]), status: ItemStatus(rawValue: row[1]) ?? .notReviewed,
                            by: row[2], at: SQLiteDate.date(row, 3), note: row[4], flagged: row[5]))
                }
            }
            return records
        }
        return try units.count == 1 ? pool.unsafeRead(read) : pool.read(read)
    }

    public func update(_ key: ItemKey, _ decide: (ItemRecord?) throws -> ItemChange?) throws -> TrackerEvent? {
        try update([key]) { _, record in try decide(record) }.first
    }

    /// The tick write, on every change from the web page and for every item a scan files: the
    /// statements are prepared once per connection (GRDB's statement cache) rather than built
    /// through the query interface each time. Same rows as `ItemRow.save` and `EventRow.insert`.
    public func update(_ keys: [ItemKey], _ decide: (ItemKey, ItemRecord?) throws -> ItemChange?) throws -> [TrackerEvent] {
        try write { db in
            let select = try db.cachedStatement(sql: "SELECT status, by, at, note, flagged FROM item_status WHERE unit = ? AND item = ?")
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO item_status (unit, item, status, by, at, note, flagged) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (unit, item) DO UPDATE SET
                    status = excluded.status, by = excluded.by, at = excluded.at, note = excluded.note, flagged = excluded.flagged
                    """)
            let insert = try db.cachedStatement(sql: "INSERT INTO event (at, actor, kind, unit, subject, old, new, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            var events: [TrackerEvent] = []
            for key in keys {
                let row = try Row.fetchOne(select, arguments: [key.unit, key.item])
                let oldStatus: String? = row?[0]
                let current = row.map { row in
                    ItemRecord(
                        key: key, status: ItemStatus(rawValue: row[0]) ?? .notReviewed, by: row[1], at: SQLiteDate.date(row, 2), note: row[3],
                        flagged: row[4])
                }
                guard let change = try decide(key, current) else { continue }
                let old = oldStatus ?? ItemStatus.notReviewed.rawValue
                // The date's text is made once, for both rows (GRDB's own would run DateFormatter twice).
                let at = SQLiteDate.value(change.at)
                try upsert.execute(arguments: [key.unit, key.item, change.status.rawValue, change.actor, at, change.note, change.flagged])
                var event = TrackerEvent(
                    id: 0, at: change.at, actor: change.actor, kind: change.kind, unit: key.unit,
                    subject: key.item, old: old, new: change.status.rawValue, note: change.note)
                try insert.execute(arguments: [at, event.actor, event.kind.rawValue, event.unit, event.subject, event.old, event.new, event.note])
                event.id = db.lastInsertedRowID
                events.append(event)
            }
            return events
        }
    }

    private struct MockMeasureRow: Codable, FetchableRecord, PersistableRecord {
        static let databaseTableName = "mockMeasure"
        var unit: String
        var item: String
        var cases: Int?
        var rate: Double?
        var actor: String
        var at: Date
    }

    public func mockMeasures() throws -> [MockMeasure] {
        try pool.read { db in
            try MockMeasureRow.order(Column("unit"), Column("item")).fetchAll(db).map {
                MockMeasure(key: ItemKey(unit: $0.unit, item: $0.item), cases: $0.cases, rate: $0.rate, actor: $0.actor, at: $0.at)
            }
        }
    }

    public func setMockMeasure(_ measure: MockMeasure) throws {
        try pool.write { db in
            let row = MockMeasureRow(
                unit: measure.key.unit, item: measure.key.item, cases: measure.cases, rate: measure.rate,
                actor: measure.actor, at: measure.at)
            if measure.cases == nil && measure.rate == nil {
                _ = try MockMeasureRow.deleteOne(db, key: ["unit": row.unit, "item": row.item])
            } else {
                try row.save(db)
            }
        }
    }

    public func append(_ event: TrackerEvent) throws {
        try write { db in
            var row = EventRow(event)
            try row.insert(db)
        }
    }

    public func events(_ filter: EventFilter) throws -> [TrackerEvent] {
        try pool.read { db in
            var request = EventRow.order(Column("id"))
            if let since = filter.since { request = request.filter(Column("at") >= since) }
            if let unit = filter.unit { request = request.filter(Column("unit") == unit) }
            if let actor = filter.actor { request = request.filter(Column("actor") == actor) }
            if let kind = filter.kind { request = request.filter(Column("kind") == kind.rawValue) }
            if let limit = filter.limit {
                // The most recent `limit`, still in chronological order.
                let count = try request.fetchCount(db)
                request = request.limit(limit, offset: max(0, count - limit))
            }
            return try request.fetchAll(db).map(\.event)
        }
    }

    public func seedTasks(_ tasks: [TaskRecord]) throws {
        try write { db in
            for task in tasks {
                if var existing = try TaskRow.fetchOne(db, key: task.id) {
                    let due = task.due?.description
                    if existing.title != task.title || existing.owner != task.owner || existing.groupId != task.group || existing.due != due {
                        existing.title = task.title
                        existing.owner = task.owner
                        existing.groupId = task.group
                        existing.due = due
                        try existing.update(db)
                    }
                } else {
                    try TaskRow(
                        id: task.id, groupId: task.group, title: task.title, owner: task.owner, due: task.due?.description,
                        state: TaskState.open.rawValue, doneBy: nil, doneAt: nil
                    ).insert(db)
                }
            }
        }
    }

    /// Read column by column, not decoded as Codable rows: a repeat scan reads every record.
    public func documents(units: Set<String>?) throws -> [DocumentRecord] {
        try pool.read { db in
            var sql = "SELECT path, unit, item, size, modified, sha256 FROM document"
            var arguments = StatementArguments()
            if let units {
                sql += " WHERE unit IN (" + Array(repeating: "?", count: units.count).joined(separator: ", ") + ")"
                arguments = StatementArguments(units.sorted())
            }
            let rows = try Row.fetchCursor(db, sql: sql + " ORDER BY path", arguments: arguments)
            var records: [DocumentRecord] = []
            while let row = try rows.next() {
                records.append(DocumentRecord(path: row[0], unit: row[1], item: row[2], size: row[3], modified: row[4], sha256: row[5]))
            }
            return records
        }
    }

    public func recordScan(at: Date, scope: String?, files: Int, upserts: [DocumentRecord], removed: [String], changes: [ScanChange], hashed: Int) throws -> ScanRecord {
        // One prepared statement per kind of row: a first scan writes tens of thousands of rows,
        // and saving them as Codable records took twice the CPU of hashing the files.
        try write { db in
            let delete = try db.cachedStatement(sql: "DELETE FROM document WHERE path = ?")
            for path in removed {
                try delete.execute(arguments: [path])
            }
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO document (path, unit, item, size, modified, sha256) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(path) DO UPDATE SET unit = excluded.unit, item = excluded.item, size = excluded.size,
                    modified = excluded.modified, sha256 = excluded.sha256
                    """)
            for d in upserts {
                try upsert.execute(arguments: [d.path, d.unit, d.item, d.size, d.modified, d.sha256])
            }
            try db.execute(sql: "INSERT INTO scan (at, scope, files, hashed) VALUES (?, ?, ?, ?)", arguments: [at, scope, files, hashed])
            let id = db.lastInsertedRowID
            let insert = try db.cachedStatement(sql: "INSERT INTO scanChange (scan, path, unit, item, kind, size, sha256) VALUES (?, ?, ?, ?, ?, ?, ?)")
            for c in changes {
                try insert.execute(arguments: [id, c.path, c.unit, c.item, c.kind.rawValue, c.size, c.sha256])
            }
            return ScanRecord(id: id, at: at, scope: scope, files: files, hashed: hashed)
        }
    }

    public func scans() throws -> [ScanRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, at, scope, files, hashed FROM scan ORDER BY id").map {
                ScanRecord(id: $0["id"], at: $0["at"], scope: $0["scope"], files: $0["files"], hashed: $0["hashed"])
            }
        }
    }

    public func changes(scan: Int64) throws -> [ScanChange] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT path, unit, item, kind, size, sha256 FROM scanChange WHERE scan = ? ORDER BY unit, path", arguments: [scan]).map {
                ScanChange(
                    path: $0["path"], unit: $0["unit"], item: $0["item"], kind: ScanChange.Kind(rawValue: $0["kind"]) ?? .changed,
                    size: $0["size"], sha256: $0["sha256"])
            }
        }
    }

    public func passwordHash(person: String) throws -> String? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT passwordHash FROM account WHERE person = ?", arguments: [person])
        }
    }

    public func setPasswordHash(_ hash: String, person: String, at: Date) throws {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO account (person, passwordHash, updatedAt) VALUES (?, ?, ?)
                    ON CONFLICT(person) DO UPDATE SET passwordHash = excluded.passwordHash, updatedAt = excluded.updatedAt
                    """, arguments: [person, hash, at])
            var event = EventRow(
                TrackerEvent(
                    id: 0, at: at, actor: person, kind: .account, unit: "", subject: person,
                    old: nil, new: "password set", note: nil))
            try event.insert(db)
        }
    }

    private struct SessionRow: Codable, FetchableRecord, PersistableRecord {
        static let databaseTableName = "webSession"
        var tokenHash: String
        var person: String
        var csrf: String
        var expires: Date
        var lastUsed: Date

        var session: StoredSession { StoredSession(tokenHash: tokenHash, person: person, csrf: csrf, expires: expires, lastUsed: lastUsed) }
    }

    public func saveSession(_ s: StoredSession) throws {
        try write { db in try SessionRow(tokenHash: s.tokenHash, person: s.person, csrf: s.csrf, expires: s.expires, lastUsed: s.lastUsed).save(db) }
    }

    public func session(tokenHash: String) throws -> StoredSession? {
        // On every request: a cached statement, not the query interface's SQL built each time,
        // and one statement, so no BEGIN … COMMIT around it.
        try pool.unsafeRead { db in
            let statement = try db.cachedStatement(sql: "SELECT person, csrf, expires, lastUsed FROM webSession WHERE tokenHash = ?")
            return try Row.fetchOne(statement, arguments: [tokenHash]).map { row in
                StoredSession(tokenHash: tokenHash, person: row[0], csrf: row[1], expires: try SQLiteDate.requiredDate(row, 2), lastUsed: try SQLiteDate.requiredDate(row, 3))
            }
        }
    }

    public func removeSessions(tokenHashes: [String]) throws {
        try write { db in _ = try SessionRow.deleteAll(db, keys: tokenHashes) }
        try bumpSessionsStamp()
    }

    /// The file whose changes tell every process on this database that sessions were removed
    /// (see `sessionsStamp`): one byte is appended after each removal.
    var sessionsMarker: String { path + ".sessions" }

    /// The marker's identity, size and times: one `stat`, no database access. A removal in any
    /// process appends to the marker after its commit, which changes the size (and the times);
    /// a deleted or replaced marker changes it too. Nil when the marker cannot be looked at.
    public func sessionsStamp() -> SessionsStamp? {
        var info = stat()
        guard stat(sessionsMarker, &info) == 0 else { return errno == ENOENT ? SessionsStamp([0]) : nil }
        let times = [info.st_size, info.st_mtim.tv_sec, info.st_mtim.tv_nsec, info.st_ctim.tv_sec, info.st_ctim.tv_nsec]
        return SessionsStamp([UInt64(info.st_dev), UInt64(info.st_ino)] + times.map { UInt64(truncatingIfNeeded: $0) })
    }

    /// Appends a byte to the marker (created with the database file's permissions, so that
    /// whoever may write the database may bump it), and empties it now and then: a size seen
    /// before then comes back only with other times.
    func bumpSessionsStamp() throws {
        var database = stat()
        let mode = stat(path, &database) == 0 ? mode_t(database.st_mode & 0o666) : 0o644
        let fd = open(sessionsMarker, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode)
        guard fd >= 0 else { throw WriteFailed(path: sessionsMarker, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        _ = fchmod(fd, mode)
        var byte: UInt8 = 0x2E
        guard Foundation.write(fd, &byte, 1) == 1 else { throw WriteFailed(path: sessionsMarker, reason: String(cString: strerror(errno))) }
        var marker = stat()
        if fstat(fd, &marker) == 0, marker.st_size >= 65_536 { _ = ftruncate(fd, 0) }
    }

    /// The sessions were removed, but other processes could not be told (see `sessionsStamp`).
    public struct WriteFailed: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let reason: String
        public var description: String {
            "\(path): cannot write (\(reason)); a sign-out may not reach another taizhang serve on this database until it restarts"
        }
    }

    public func sessions() throws -> [StoredSession] {
        try pool.read { db in try SessionRow.fetchAll(db).map(\.session) }
    }

    public func tasks() throws -> [TaskRecord] {
        try pool.read { db in try TaskRow.order(Column("id")).fetchAll(db).map(\.record) }
    }

    public func signInCounters(keys: [String]) throws -> [SignInCounter] {
        try pool.read { db in
            try SQLRequest<Row>(literal: "SELECT key, failures, last FROM signInThrottle WHERE key IN \(keys)").fetchAll(db).map {
                SignInCounter(key: $0["key"], failures: $0["failures"], last: $0["last"])
            }
        }
    }

    public func recordSignInFailure(keys: [String], at: Date, forgetAfter: TimeInterval, capacity: Int) throws {
        let forgotten = at.addingTimeInterval(-forgetAfter)
        try write { db in
            for key in keys {
                try db.execute(
                    literal: """
                        INSERT INTO signInThrottle (key, failures, last) VALUES (\(key), 1, \(at))
                        ON CONFLICT(key) DO UPDATE SET failures = CASE WHEN last > \(forgotten) THEN failures + 1 ELSE 1 END, last = excluded.last
                        """)
            }
            // Pruned on every write: forgotten counters, then the least recently failed beyond the capacity.
            try db.execute(literal: "DELETE FROM signInThrottle WHERE last <= \(forgotten)")
            try db.execute(
                literal: """
                    DELETE FROM signInThrottle WHERE key IN (
                      SELECT key FROM signInThrottle WHERE key NOT IN \(keys) ORDER BY last, key
                      LIMIT max(0, (SELECT count(*) FROM signInThrottle) - \(capacity)))
                    """)
        }
    }

    public func removeSignInCounters(keys: [String]) throws {
        try write { db in try db.execute(literal: "DELETE FROM signInThrottle WHERE key IN \(keys)") }
    }

    public func signInCounterCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM signInThrottle") ?? 0 }
    }

    public func setTask(_ id: String, state: TaskState, actor: String, at: Date, note: String?) throws -> TrackerEvent? {
        try write { db in
            guard var row = try TaskRow.fetchOne(db, key: id), row.state != state.rawValue else { return nil }
            let old = row.state
            row.state = state.rawValue
            row.doneBy = state == .done ? actor : nil
            row.doneAt = state == .done ? at : nil
            try row.update(db)
            var event = EventRow(
                TrackerEvent(
                    id: 0, at: at, actor: actor, kind: .task, unit: "", subject: id,
                    old: old, new: state.rawValue, note: note))
            try event.insert(db)
            return event.event
        }
    }
}

/// An exclusive advisory lock (`flock`) on the database's folder, held while one process
/// creates, claims and migrates the database. Other processes wait their turn, up to 30 s.
private struct OpeningTurn {
    private let descriptor: Int32

    init(directory: String, path: String, timeout: Double = 30) throws(SQLiteTrackerStore.OpenError) {
        descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .init(path: path, message: "cannot open the folder of the tracker database: \(String(cString: strerror(errno)))")
        }
        let deadline = Date().addingTimeInterval(timeout)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                close(descriptor)
                throw .init(path: path, message: "another Taizhang process has been opening the tracker database for \(Int(timeout)) s; try again")
            }
            usleep(10_000)
        }
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
