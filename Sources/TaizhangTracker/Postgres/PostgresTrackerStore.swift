import Foundation
import PostgresNIO
import Synchronization
import TaizhangCore

/// The tracker store on PostgreSQL, for a district that serves all its streets from one
/// server. Every row carries its street and year, so one database holds many streets and
/// years apart; a store reads and writes only its own (`scope`).
///
/// Writes are transactions that take a lock of the street's year first
/// (`pg_advisory_xact_lock`), so `decide` sees a state no other writer changes before the
/// commit: two processes ticking at once both land, and the events match the ticks. A change
/// is acknowledged only after `COMMIT` returned; a connection killed before that rolls the
/// whole transaction back, so nothing is half-written and nothing acknowledged is lost.
public final class PostgresTrackerStore: TrackerStore {
    /// Which street's year this store reads and writes.
    public struct Scope: Sendable, Equatable {
        public var street: String
        public var year: Int

        public init(street: String, year: Int) {
            self.street = street
            self.year = year
        }

        var lockKey: String { "taizhang/\(street)/\(year)" }
        /// PostgreSQL keeps at most 63 bytes of an application name.
        var applicationName: String { String(decoding: Array(lockKey.utf8.prefix(63)), as: UTF8.self) }
    }

    /// The server cannot be reached (down, wrong host or port, refused): exit 69 / HTTP 503.
    public struct Unavailable: Error, CustomStringConvertible, Sendable {
        public let server: String
        public let reason: String

        public init(server: String, reason: String) {
            self.server = server
            self.reason = reason
        }

        public var description: String { "the PostgreSQL server \(server) is not available: \(reason)" }
    }

    /// A malformed `postgres://` address, or a database this Taizhang cannot use.
    public struct OpenError: Error, CustomStringConvertible, Sendable {
        public let server: String
        public let message: String
        public var description: String { "\(server): \(message)" }
    }

    /// A statement the server refused (the message is the server's).
    public struct QueryError: Error, CustomStringConvertible, Sendable {
        public let state: String?
        public let message: String
        public var description: String { "PostgreSQL: \(message)" + (state.map { " (SQLSTATE \($0))" } ?? "") }
    }

    public let scope: Scope
    /// `postgres://user@host:port/db`, without a password.
    public let server: String
    /// The connections this store takes its own from: its own, or one a process shares over
    /// many stores (`serve --district`: every street and the district).
    public let pool: PostgresConnectionPool
    private let client: PostgresClient
    private let logger: Logger
    private let bridge = BlockingBridge.shared
    /// How long a call waits for a connection before the server counts as unavailable.
    private let patience: TimeInterval
    /// How long the server may work on one statement (`statement_timeout`, a lock wait
    /// included), and how long a transaction may sit idle (`idle_in_transaction_session_timeout`,
    /// so a client that went away never holds a street's lock for long).
    private let statementTimeout: TimeInterval

    public var isReadOnly: Bool { false }

    /// The address as it is shown: `postgres://user@host:port/db`, without a password or settings.
    public static func displayAddress(_ url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return url }
        return "postgres://\(components.user ?? "")@\(host):\(components.port ?? 5432)/\(components.path.drop { $0 == "/" })"
    }

    /// True for the addresses this store takes (`postgres://`, `postgresql://`).
    public static func isAddress(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Connects with a pool of its own (at most 8 connections, named after the scope in
    /// `pg_stat_activity`), checks that the server answers, and brings the schema up to date.
    /// `patience`: how long a call waits for a connection; `statementTimeout`: how long one
    /// statement may take on the server (a call gives up a little after that).
    public convenience init(url: String, scope: Scope, patience: TimeInterval = 10, statementTimeout: TimeInterval = 15) throws {
        let pool = try PostgresConnectionPool(
            url: url, applicationName: scope.applicationName, maximumConnections: 8, patience: patience, statementTimeout: statementTimeout)
        try self.init(pool: pool, scope: scope)
    }

    /// A store on a pool shared with other stores of the process: their scopes' rows stay
    /// apart (every statement names its street and year), their connections are the pool's.
    /// Brings the schema up to date.
    public init(pool: PostgresConnectionPool, scope: Scope) throws {
        self.pool = pool
        self.scope = scope
        server = pool.server
        client = pool.client
        logger = pool.logger
        patience = pool.patience
        statementTimeout = pool.statementTimeout
        try migrate()
    }

    /// `sslmode` as in libpq's addresses: `disable` (the default: a trusted district network),
    /// `require` (encrypted, the server's certificate not checked), `verify-ca` (signed by a
    /// trusted authority) or `verify-full` (and issued for this host name); `sslrootcert` names
    /// the authority's certificate file (default: the system's). TLS through NIOSSL.
    static func tls(_ items: [URLQueryItem], server: String) throws -> (mode: String, configuration: TLSConfiguration?, context: NIOSSLContext?) {
        var mode = "disable", rootCertificate: String?
        for item in items {
            switch item.name {
            case "sslmode": mode = item.value ?? ""
            case "sslrootcert": rootCertificate = item.value
            default:
                throw OpenError(server: server, message: "unknown setting \"\(item.name)\" in the address; Taizhang takes sslmode and sslrootcert")
            }
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case "disable": return (mode, nil, nil)
        case "require": configuration.certificateVerification = .none
        case "verify-ca": configuration.certificateVerification = .noHostnameVerification
        case "verify-full": configuration.certificateVerification = .fullVerification
        default:
            throw OpenError(server: server, message: "sslmode=\(mode) is not one of disable, require, verify-ca, verify-full")
        }
        if let rootCertificate {
            guard FileManager.default.isReadableFile(atPath: rootCertificate) else {
                throw OpenError(server: server, message: "sslrootcert: cannot read \(rootCertificate)")
            }
            configuration.trustRoots = .file(rootCertificate)
        }
        do {
            return (mode, configuration, try NIOSSLContext(configuration: configuration))
        } catch {
            throw OpenError(server: server, message: "cannot set up TLS (sslmode=\(mode)): \(error)")
        }
    }

    // MARK: Running statements

    /// Runs `body` with a connection, waiting for it synchronously but never forever (see
    /// `BlockingBridge.wait(limits:call:_:)`); errors become `Unavailable` (no connection, a
    /// lost one, no answer) or `QueryError` (the server refused). `statements`: how many
    /// statements the call sends at most, for its time limit.
    @discardableResult
    private func run<T: Sendable>(statements: Int = 1, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) throws -> T {
        let call = Call()
        let client = client, logger = logger
        // The server's own limit, a margin, and a little per statement for long batches.
        let limits = BlockingBridge.Limits(connect: patience, answer: statementTimeout + 5 + Double(statements) * 0.05)
        do {
            return try bridge.wait(limits: limits, call: call) {
                try await client.withConnection { connection in
                    guard call.start(on: connection) else { throw CancellationError() }
                    return try await body(connection, logger)
                }
            }
        } catch let error as BlockingBridge.TimedOut {
            switch error.phase {
            case .connecting: throw Unavailable(server: server, reason: "no connection within \(Int(error.seconds)) s; nothing was changed")
            case .answering:
                throw Unavailable(server: server, reason: "no answer within \(Int(error.seconds)) s; check whether the change is there")
            }
        } catch is BlockingBridge.ConnectionLost {
            throw Unavailable(server: server, reason: "the connection was closed before the server confirmed; check whether the change is there")
        } catch {
            throw translate(error)
        }
    }

    /// One write transaction under the street-year lock.
    @discardableResult
    private func transaction<T: Sendable>(statements: Int = 4, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) throws -> T {
        let key = scope.lockKey
        return try run(statements: statements + 3) { connection, logger in
            try await connection.withTransaction(logger: logger) { connection in
                try await Self.complete(connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", logger: logger))
                return try await body(connection, logger)
            }
        }
    }

    /// Reads a statement's rows to the end. PostgresNIO answers a statement that returns rows
    /// as soon as the server described them, before it ran: an error while it runs (a lock
    /// wait ended by `statement_timeout`) comes only with the rows, so a statement whose rows
    /// are not read must be completed here, or its error would show up as the next statement's
    /// "current transaction is aborted".
    private static func complete(_ rows: PostgresRowSequence) async throws {
        for try await _ in rows {}
    }

    /// The error as people read it (see `PostgresConnectionPool.translate`).
    private func translate(_ error: any Error) -> any Error { pool.translate(error) }

    // MARK: Migrations

    /// The schema, in named and versioned steps (the names are SQLite's). Applied in one
    /// transaction under a lock, so several processes starting at once migrate once.
    static let migrations: [(name: String, statements: [String])] = [
        (
            "v1: items, events, tasks",
            [
                """
                CREATE TABLE item_status (street text NOT NULL, year bigint NOT NULL, unit text NOT NULL, item text NOT NULL,
                  status text NOT NULL, by_person text, at timestamptz, note text, flagged boolean NOT NULL DEFAULT false,
                  PRIMARY KEY (street, year, unit, item))
                """,
                """
                CREATE TABLE event (id bigserial PRIMARY KEY, street text NOT NULL, year bigint NOT NULL, at timestamptz NOT NULL,
                  actor text NOT NULL, kind text NOT NULL, unit text NOT NULL, subject text NOT NULL, old text, new text, note text)
                """,
                "CREATE INDEX event_scope ON event (street, year, id)",
                """
                CREATE TABLE task (street text NOT NULL, year bigint NOT NULL, id text NOT NULL, group_id text NOT NULL,
                  title text NOT NULL, owner text NOT NULL, due text, state text NOT NULL, done_by text, done_at timestamptz,
                  PRIMARY KEY (street, year, id))
                """,
                // The audit trail is append-only: updates, deletes and truncation raise.
                """
                CREATE FUNCTION taizhang_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$
                """,
                "CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event FOR EACH ROW EXECUTE FUNCTION taizhang_append_only()",
                "CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event FOR EACH STATEMENT EXECUTE FUNCTION taizhang_append_only()",
            ]
        ),
        (
            "v2: web accounts",
            [
                """
                CREATE TABLE account (street text NOT NULL, year bigint NOT NULL, person text NOT NULL, password_hash text NOT NULL,
                  updated_at timestamptz NOT NULL, PRIMARY KEY (street, year, person))
                """
            ]
        ),
        (
            "v3: evidence scans",
            [
                """
                CREATE TABLE document (street text NOT NULL, year bigint NOT NULL, path text NOT NULL, unit text NOT NULL,
                  item text NOT NULL, size bigint NOT NULL, modified double precision NOT NULL, sha256 text NOT NULL,
                  PRIMARY KEY (street, year, path))
                """,
                "CREATE INDEX document_unit ON document (street, year, unit, item)",
                """
                CREATE TABLE scan (id bigserial PRIMARY KEY, street text NOT NULL, year bigint NOT NULL, at timestamptz NOT NULL,
                  scope text, files bigint NOT NULL, hashed bigint NOT NULL)
                """,
                """
                CREATE TABLE scan_change (scan bigint NOT NULL REFERENCES scan, path text NOT NULL, unit text NOT NULL,
                  item text NOT NULL, kind text NOT NULL, size bigint NOT NULL, sha256 text NOT NULL)
                """,
                "CREATE INDEX scan_change_scan ON scan_change (scan)",
            ]
        ),
        (
            "v4: mock cases and rates",
            [
                """
                CREATE TABLE mock_measure (street text NOT NULL, year bigint NOT NULL, unit text NOT NULL, item text NOT NULL,
                  cases bigint, rate double precision, actor text NOT NULL, at timestamptz NOT NULL,
                  PRIMARY KEY (street, year, unit, item))
                """
            ]
        ),
        (
            "v5: web sessions",
            [
                """
                CREATE TABLE web_session (street text NOT NULL, year bigint NOT NULL, token_hash text NOT NULL, person text NOT NULL,
                  csrf text NOT NULL, expires timestamptz NOT NULL, last_used timestamptz NOT NULL, PRIMARY KEY (street, year, token_hash))
                """
            ]
        ),
        (
            "v6: sign-in throttle",
            [
                """
                CREATE TABLE sign_in_throttle (street text NOT NULL, year bigint NOT NULL, key text NOT NULL, failures bigint NOT NULL,
                  last_failure timestamptz NOT NULL, PRIMARY KEY (street, year, key))
                """,
                "CREATE INDEX sign_in_throttle_last ON sign_in_throttle (street, year, last_failure)",
            ]
        ),
    ]

    private func migrate() throws {
        let server = server
        let steps = Self.migrations
        // Migrating a big database may take long: no statement limit inside, and a long wait.
        try run(statements: 6_000) { connection, logger in
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("SET LOCAL statement_timeout = 0", logger: logger)
                try await Self.complete(connection.query("SELECT pg_advisory_xact_lock(hashtextextended('taizhang/migrations', 0))", logger: logger))
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS taizhang_migration (version bigint PRIMARY KEY, name text NOT NULL UNIQUE,
                      applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                var applied: [Int: String] = [:]
                for try await (version, name) in try await connection.query("SELECT version, name FROM taizhang_migration", logger: logger)
                    .decode((Int, String).self)
                {
                    applied[version] = name
                }
                if let newest = applied.keys.max(), newest > steps.count {
                    throw OpenError(server: server, message: "this database was set up by a newer Taizhang (schema version \(newest)); upgrade Taizhang")
                }
                for (index, step) in steps.enumerated() where applied[index + 1] == nil {
                    for statement in step.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query("INSERT INTO taizhang_migration (version, name) VALUES (\(index + 1), \(step.name))", logger: logger)
                }
            }
        }
    }

    /// The names of the applied migrations, in order.
    public func appliedMigrations() throws -> [String] {
        try run { connection, logger in
            var names: [String] = []
            for try await name in try await connection.query("SELECT name FROM taizhang_migration ORDER BY version", logger: logger)
                .decode(String.self)
            {
                names.append(name)
            }
            return names
        }
    }

    /// Runs one statement as it is (tests poke at the database from outside the rules).
    func execute(unsafe sql: String) throws {
        try run { connection, logger in try await Self.complete(connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)) }
    }

    /// The first column of the first row of one statement, as text (tests look at the server).
    func value(unsafe sql: String) throws -> String? {
        try run { connection, logger in
            var value: String?
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(String?.self) where value == nil {
                value = row
            }
            return value
        }
    }

    // MARK: Items and events

    public func items() throws -> [ItemRecord] {
        let scope = scope
        return try run { connection, logger in
            try await Self.itemRecords(
                connection.query(
                    """
                    SELECT unit, item, status, by_person, at, note, flagged FROM item_status
                    WHERE street = \(scope.street) AND year = \(scope.year) ORDER BY unit, item
                    """, logger: logger))
        }
    }

    /// Only these units' records, from the primary key's range: the items page reads one unit
    /// on every reload, and a district's street holds every other unit's records too.
    public func items(units: Set<String>) throws -> [ItemRecord] {
        let (scope, units) = (scope, units.sorted())
        return try run { connection, logger in
            try await Self.itemRecords(
                connection.query(
                    """
                    SELECT unit, item, status, by_person, at, note, flagged FROM item_status
                    WHERE street = \(scope.street) AND year = \(scope.year) AND unit = ANY(\(units)) ORDER BY unit, item
                    """, logger: logger))
        }
    }

    private static func itemRecords(_ rows: PostgresRowSequence) async throws -> [ItemRecord] {
        var records: [ItemRecord] = []
        for try await (unit, item, status, by, at, note, flagged) in rows.decode((String, String, String, String?, Date?, String?, Bool).self) {
            records.append(
                ItemRecord(
                    key: ItemKey(unit: unit, item: item), status: ItemStatus(rawValue: status) ?? .notReviewed, by: by, at: at,
                    note: note, flagged: flagged))
        }
        return records
    }

    public func update(_ key: ItemKey, _ decide: (ItemRecord?) throws -> ItemChange?) throws -> TrackerEvent? {
        try update([key]) { _, record in try decide(record) }.first
    }

    public func update(_ keys: [ItemKey], _ decide: (ItemKey, ItemRecord?) throws -> ItemChange?) throws -> [TrackerEvent] {
        let scope = scope
        return try withoutActuallyEscaping(decide) { decide in
            let handed = Handed(decide)
            defer { handed.withdraw() }
            return try transaction(statements: 1 + 2 * keys.count) { connection, logger in
                var current: [ItemKey: ItemRecord] = [:]
                let units = Array(Set(keys.map(\.unit)))
                let rows = try await connection.query(
                    """
                    SELECT unit, item, status, by_person, at, note, flagged FROM item_status
                    WHERE street = \(scope.street) AND year = \(scope.year) AND unit = ANY(\(units))
                    """, logger: logger)
                for try await (unit, item, status, by, at, note, flagged) in rows.decode((String, String, String, String?, Date?, String?, Bool).self) {
                    let key = ItemKey(unit: unit, item: item)
                    current[key] = ItemRecord(key: key, status: ItemStatus(rawValue: status) ?? .notReviewed, by: by, at: at, note: note, flagged: flagged)
                }
                var events: [TrackerEvent] = []
                for key in keys {
                    guard let change = try handed.use({ try $0(key, current[key]) }) else { continue }
                    let old = (current[key]?.status ?? .notReviewed).rawValue
                    try await connection.query(
                        """
                        INSERT INTO item_status (street, year, unit, item, status, by_person, at, note, flagged)
                        VALUES (\(scope.street), \(scope.year), \(key.unit), \(key.item), \(change.status.rawValue), \(change.actor),
                          \(change.at), \(change.note), \(change.flagged))
                        ON CONFLICT (street, year, unit, item) DO UPDATE SET status = excluded.status, by_person = excluded.by_person,
                          at = excluded.at, note = excluded.note, flagged = excluded.flagged
                        """, logger: logger)
                    current[key] = ItemRecord(key: key, status: change.status, by: change.actor, at: change.at, note: change.note, flagged: change.flagged)
                    events.append(
                        try await Self.insert(
                            TrackerEvent(
                                id: 0, at: change.at, actor: change.actor, kind: change.kind, unit: key.unit, subject: key.item,
                                old: old, new: change.status.rawValue, note: change.note), scope: scope, connection, logger))
                }
                return events
            }
        }
    }

    private static func insert(_ event: TrackerEvent, scope: Scope, _ connection: PostgresConnection, _ logger: Logger) async throws -> TrackerEvent {
        var event = event
        let rows = try await connection.query(
            """
            INSERT INTO event (street, year, at, actor, kind, unit, subject, old, new, note)
            VALUES (\(scope.street), \(scope.year), \(event.at), \(event.actor), \(event.kind.rawValue), \(event.unit), \(event.subject),
              \(event.old), \(event.new), \(event.note))
            RETURNING id
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { event.id = id }
        return event
    }

    public func append(_ event: TrackerEvent) throws {
        let scope = scope
        _ = try run { connection, logger in try await Self.insert(event, scope: scope, connection, logger) }
    }

    public func events(_ filter: EventFilter) throws -> [TrackerEvent] {
        let scope = scope
        return try run { connection, logger in
            let query: PostgresQuery = """
                SELECT id, at, actor, kind, unit, subject, old, new, note FROM event
                WHERE street = \(scope.street) AND year = \(scope.year)
                  AND (\(filter.since)::timestamptz IS NULL OR at >= \(filter.since))
                  AND (\(filter.unit)::text IS NULL OR unit = \(filter.unit))
                  AND (\(filter.actor)::text IS NULL OR actor = \(filter.actor))
                  AND (\(filter.kind?.rawValue)::text IS NULL OR kind = \(filter.kind?.rawValue))
                ORDER BY id DESC LIMIT \(filter.limit)
                """
            var events: [TrackerEvent] = []
            for try await (id, at, actor, kind, unit, subject, old, new, note) in try await connection.query(query, logger: logger)
                .decode((Int64, Date, String, String, String, String, String?, String?, String?).self)
            {
                events.append(
                    TrackerEvent(
                        id: id, at: at, actor: actor, kind: TrackerEvent.Kind(rawValue: kind) ?? .item, unit: unit, subject: subject,
                        old: old, new: new, note: note))
            }
            return events.reversed()
        }
    }

    // MARK: Tasks

    public func seedTasks(_ tasks: [TaskRecord]) throws {
        let scope = scope
        try transaction(statements: tasks.count) { connection, logger in
            for task in tasks {
                try await connection.query(
                    """
                    INSERT INTO task (street, year, id, group_id, title, owner, due, state)
                    VALUES (\(scope.street), \(scope.year), \(task.id), \(task.group), \(task.title), \(task.owner), \(task.due?.description),
                      \(TaskState.open.rawValue))
                    ON CONFLICT (street, year, id) DO UPDATE SET group_id = excluded.group_id, title = excluded.title,
                      owner = excluded.owner, due = excluded.due
                    """, logger: logger)
            }
        }
    }

    public func tasks() throws -> [TaskRecord] {
        let scope = scope
        return try run { connection, logger in
            var tasks: [TaskRecord] = []
            let rows = try await connection.query(
                """
                SELECT id, group_id, title, owner, due, state, done_by, done_at FROM task
                WHERE street = \(scope.street) AND year = \(scope.year) ORDER BY id
                """, logger: logger)
            for try await (id, group, title, owner, due, state, doneBy, doneAt) in rows.decode((String, String, String, String, String?, String, String?, Date?).self) {
                tasks.append(
                    TaskRecord(
                        id: id, group: group, title: title, owner: owner, due: due.flatMap(Day.init), state: TaskState(rawValue: state) ?? .open,
                        doneBy: doneBy, doneAt: doneAt))
            }
            return tasks
        }
    }

    public func setTask(_ id: String, state: TaskState, actor: String, at: Date, note: String?) throws -> TrackerEvent? {
        let scope = scope
        return try transaction { connection, logger in
            var old: String?
            for try await value in try await connection.query(
                "SELECT state FROM task WHERE street = \(scope.street) AND year = \(scope.year) AND id = \(id)", logger: logger
            ).decode(String.self) {
                old = value
            }
            guard let old, old != state.rawValue else { return nil }
            let doneBy = state == .done ? actor : nil, doneAt = state == .done ? at : nil
            try await connection.query(
                """
                UPDATE task SET state = \(state.rawValue), done_by = \(doneBy), done_at = \(doneAt)
                WHERE street = \(scope.street) AND year = \(scope.year) AND id = \(id)
                """, logger: logger)
            return try await Self.insert(
                TrackerEvent(id: 0, at: at, actor: actor, kind: .task, unit: "", subject: id, old: old, new: state.rawValue, note: note),
                scope: scope, connection, logger)
        }
    }

    // MARK: Scans

    public func documents(units: Set<String>?) throws -> [DocumentRecord] {
        let scope = scope
        let list = units.map { Array($0) }
        return try run { connection, logger in
            var documents: [DocumentRecord] = []
            let rows = try await connection.query(
                """
                SELECT path, unit, item, size, modified, sha256 FROM document
                WHERE street = \(scope.street) AND year = \(scope.year) AND (\(list)::text[] IS NULL OR unit = ANY(\(list)))
                ORDER BY path
                """, logger: logger)
            for try await (path, unit, item, size, modified, sha256) in rows.decode((String, String, String, Int, Double, String).self) {
                documents.append(DocumentRecord(path: path, unit: unit, item: item, size: size, modified: modified, sha256: sha256))
            }
            return documents
        }
    }

    public func recordScan(
        at: Date, scope scanScope: String?, files: Int, upserts: [DocumentRecord], removed: [String], changes: [ScanChange], hashed: Int
    ) throws -> ScanRecord {
        let scope = scope
        return try transaction(statements: 2 + upserts.count + changes.count) { connection, logger in
            if !removed.isEmpty {
                try await connection.query(
                    "DELETE FROM document WHERE street = \(scope.street) AND year = \(scope.year) AND path = ANY(\(removed))", logger: logger)
            }
            for d in upserts {
                try await connection.query(
                    """
                    INSERT INTO document (street, year, path, unit, item, size, modified, sha256)
                    VALUES (\(scope.street), \(scope.year), \(d.path), \(d.unit), \(d.item), \(d.size), \(d.modified), \(d.sha256))
                    ON CONFLICT (street, year, path) DO UPDATE SET unit = excluded.unit, item = excluded.item, size = excluded.size,
                      modified = excluded.modified, sha256 = excluded.sha256
                    """, logger: logger)
            }
            var id: Int64 = 0
            for try await value in try await connection.query(
                """
                INSERT INTO scan (street, year, at, scope, files, hashed) VALUES (\(scope.street), \(scope.year), \(at), \(scanScope), \(files), \(hashed))
                RETURNING id
                """, logger: logger
            ).decode(Int64.self) {
                id = value
            }
            for c in changes {
                try await connection.query(
                    """
                    INSERT INTO scan_change (scan, path, unit, item, kind, size, sha256)
                    VALUES (\(id), \(c.path), \(c.unit), \(c.item), \(c.kind.rawValue), \(c.size), \(c.sha256))
                    """, logger: logger)
            }
            return ScanRecord(id: id, at: at, scope: scanScope, files: files, hashed: hashed)
        }
    }

    public func scans() throws -> [ScanRecord] {
        let scope = scope
        return try run { connection, logger in
            var scans: [ScanRecord] = []
            let rows = try await connection.query(
                "SELECT id, at, scope, files, hashed FROM scan WHERE street = \(scope.street) AND year = \(scope.year) ORDER BY id",
                logger: logger)
            for try await (id, at, scanScope, files, hashed) in rows.decode((Int64, Date, String?, Int, Int).self) {
                scans.append(ScanRecord(id: id, at: at, scope: scanScope, files: files, hashed: hashed))
            }
            return scans
        }
    }

    public func changes(scan: Int64) throws -> [ScanChange] {
        let scope = scope
        return try run { connection, logger in
            var changes: [ScanChange] = []
            let rows = try await connection.query(
                """
                SELECT c.path, c.unit, c.item, c.kind, c.size, c.sha256 FROM scan_change c JOIN scan s ON s.id = c.scan
                WHERE c.scan = \(scan) AND s.street = \(scope.street) AND s.year = \(scope.year) ORDER BY c.unit, c.path
                """, logger: logger)
            for try await (path, unit, item, kind, size, sha256) in rows.decode((String, String, String, String, Int, String).self) {
                changes.append(ScanChange(path: path, unit: unit, item: item, kind: ScanChange.Kind(rawValue: kind) ?? .changed, size: size, sha256: sha256))
            }
            return changes
        }
    }

    // MARK: Mock measures

    public func mockMeasures() throws -> [MockMeasure] {
        let scope = scope
        return try run { connection, logger in
            var measures: [MockMeasure] = []
            let rows = try await connection.query(
                """
                SELECT unit, item, cases, rate, actor, at FROM mock_measure
                WHERE street = \(scope.street) AND year = \(scope.year) ORDER BY unit, item
                """, logger: logger)
            for try await (unit, item, cases, rate, actor, at) in rows.decode((String, String, Int?, Double?, String, Date).self) {
                measures.append(MockMeasure(key: ItemKey(unit: unit, item: item), cases: cases, rate: rate, actor: actor, at: at))
            }
            return measures
        }
    }

    public func setMockMeasure(_ measure: MockMeasure) throws {
        let scope = scope
        try transaction { connection, logger in
            if measure.cases == nil && measure.rate == nil {
                try await connection.query(
                    """
                    DELETE FROM mock_measure WHERE street = \(scope.street) AND year = \(scope.year)
                      AND unit = \(measure.key.unit) AND item = \(measure.key.item)
                    """, logger: logger)
            } else {
                try await connection.query(
                    """
                    INSERT INTO mock_measure (street, year, unit, item, cases, rate, actor, at)
                    VALUES (\(scope.street), \(scope.year), \(measure.key.unit), \(measure.key.item), \(measure.cases), \(measure.rate),
                      \(measure.actor), \(measure.at))
                    ON CONFLICT (street, year, unit, item) DO UPDATE SET cases = excluded.cases, rate = excluded.rate,
                      actor = excluded.actor, at = excluded.at
                    """, logger: logger)
            }
        }
    }

    // MARK: Accounts

    public func passwordHash(person: String) throws -> String? {
        let scope = scope
        return try run { connection, logger in
            var hash: String?
            for try await value in try await connection.query(
                "SELECT password_hash FROM account WHERE street = \(scope.street) AND year = \(scope.year) AND person = \(person)",
                logger: logger
            ).decode(String.self) {
                hash = value
            }
            return hash
        }
    }

    public func setPasswordHash(_ hash: String, person: String, at: Date) throws {
        let scope = scope
        try transaction { connection, logger in
            try await connection.query(
                """
                INSERT INTO account (street, year, person, password_hash, updated_at) VALUES (\(scope.street), \(scope.year), \(person), \(hash), \(at))
                ON CONFLICT (street, year, person) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at
                """, logger: logger)
            _ = try await Self.insert(
                TrackerEvent(id: 0, at: at, actor: person, kind: .account, unit: "", subject: person, old: nil, new: "password set", note: nil),
                scope: scope, connection, logger)
        }
    }

    // MARK: Web sessions

    public func saveSession(_ session: StoredSession) throws {
        let scope = scope
        try run { connection, logger in
            try await connection.query(
                """
                INSERT INTO web_session (street, year, token_hash, person, csrf, expires, last_used)
                VALUES (\(scope.street), \(scope.year), \(session.tokenHash), \(session.person), \(session.csrf), \(session.expires), \(session.lastUsed))
                ON CONFLICT (street, year, token_hash) DO UPDATE SET person = excluded.person, csrf = excluded.csrf,
                  expires = excluded.expires, last_used = excluded.last_used
                """, logger: logger)
        }
    }

    public func session(tokenHash: String) throws -> StoredSession? {
        try sessions(matching: tokenHash).first
    }

    /// No stamp: servers on several machines may share the database, so each request reads
    /// its session from it.
    public func sessionsStamp() -> SessionsStamp? { nil }

    public func removeSessions(tokenHashes: [String]) throws {
        let scope = scope
        try run { connection, logger in
            try await connection.query(
                "DELETE FROM web_session WHERE street = \(scope.street) AND year = \(scope.year) AND token_hash = ANY(\(tokenHashes))",
                logger: logger)
        }
    }

    public func sessions() throws -> [StoredSession] { try sessions(matching: nil) }

    private func sessions(matching tokenHash: String?) throws -> [StoredSession] {
        let scope = scope
        return try run { connection, logger in
            var sessions: [StoredSession] = []
            let rows = try await connection.query(
                """
                SELECT token_hash, person, csrf, expires, last_used FROM web_session
                WHERE street = \(scope.street) AND year = \(scope.year) AND (\(tokenHash)::text IS NULL OR token_hash = \(tokenHash))
                """, logger: logger)
            for try await (hash, person, csrf, expires, lastUsed) in rows.decode((String, String, String, Date, Date).self) {
                sessions.append(StoredSession(tokenHash: hash, person: person, csrf: csrf, expires: expires, lastUsed: lastUsed))
            }
            return sessions
        }
    }

    // MARK: Sign-in throttle

    public func signInCounters(keys: [String]) throws -> [SignInCounter] {
        let scope = scope
        return try run { connection, logger in
            var counters: [SignInCounter] = []
            let rows = try await connection.query(
                """
                SELECT key, failures, last_failure FROM sign_in_throttle
                WHERE street = \(scope.street) AND year = \(scope.year) AND key = ANY(\(keys))
                """, logger: logger)
            for try await (key, failures, last) in rows.decode((String, Int, Date).self) {
                counters.append(SignInCounter(key: key, failures: failures, last: last))
            }
            return counters
        }
    }

    public func recordSignInFailure(keys: [String], at: Date, forgetAfter: TimeInterval, capacity: Int) throws {
        let scope = scope
        let forgotten = at.addingTimeInterval(-forgetAfter)
        try transaction { connection, logger in
            for key in keys {
                try await connection.query(
                    """
                    INSERT INTO sign_in_throttle (street, year, key, failures, last_failure) VALUES (\(scope.street), \(scope.year), \(key), 1, \(at))
                    ON CONFLICT (street, year, key) DO UPDATE SET last_failure = excluded.last_failure,
                      failures = CASE WHEN sign_in_throttle.last_failure > \(forgotten) THEN sign_in_throttle.failures + 1 ELSE 1 END
                    """, logger: logger)
            }
            // Pruned on every write: forgotten counters, then the least recently failed beyond the capacity.
            try await connection.query(
                "DELETE FROM sign_in_throttle WHERE street = \(scope.street) AND year = \(scope.year) AND last_failure <= \(forgotten)",
                logger: logger)
            try await connection.query(
                """
                DELETE FROM sign_in_throttle WHERE street = \(scope.street) AND year = \(scope.year) AND key IN (
                  SELECT key FROM sign_in_throttle WHERE street = \(scope.street) AND year = \(scope.year) AND NOT key = ANY(\(keys))
                  ORDER BY last_failure, key
                  LIMIT GREATEST(0, (SELECT count(*) FROM sign_in_throttle WHERE street = \(scope.street) AND year = \(scope.year)) - \(capacity)))
                """, logger: logger)
        }
    }

    public func removeSignInCounters(keys: [String]) throws {
        let scope = scope
        try run { connection, logger in
            try await connection.query(
                "DELETE FROM sign_in_throttle WHERE street = \(scope.street) AND year = \(scope.year) AND key = ANY(\(keys))", logger: logger)
        }
    }

    public func signInCounterCount() throws -> Int {
        let scope = scope
        return try run { connection, logger in
            var count = 0
            for try await value in try await connection.query(
                "SELECT count(*) FROM sign_in_throttle WHERE street = \(scope.street) AND year = \(scope.year)", logger: logger
            ).decode(Int.self) {
                count = value
            }
            return count
        }
    }
}
