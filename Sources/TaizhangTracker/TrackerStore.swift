import Foundation
import TaizhangCore

/// A unit (the street section or a community) and an item code.
public struct ItemKey: Hashable, Sendable, Codable, Comparable {
    /// `street` for the street section, else a community id.
    public var unit: String
    public var item: String

    public init(unit: String, item: String) {
        self.unit = unit
        self.item = item
    }

    public static func < (a: ItemKey, b: ItemKey) -> Bool { (a.unit, a.item) < (b.unit, b.item) }
}

/// The current state of one item in one unit.
public struct ItemRecord: Sendable, Equatable, Codable {
    public var key: ItemKey
    public var status: ItemStatus
    public var by: String?
    public var at: Date?
    public var note: String?
    /// Set by a failed mock inspection; cleared by the next change.
    public var flagged: Bool
}

public enum TaskState: String, Sendable, Codable, CaseIterable {
    case open, done, blocked

    public var chinese: String {
        switch self {
        case .open: "未完成"
        case .done: "已完成"
        case .blocked: "受阻"
        }
    }
}

public struct TaskRecord: Sendable, Equatable, Codable {
    public var id: String
    public var group: String
    public var title: String
    public var owner: String
    public var due: Day?
    public var state: TaskState
    public var doneBy: String?
    public var doneAt: Date?

    /// Not done and past its due day (the one overdue rule, `Deadline`).
    public func isOverdue(on today: Day) -> Bool { Deadline.isOverdue(due: due, isDone: state == .done, today: today) }
}

/// What the latest mock inspection of one item counted: cases found (漏登、错报 …) and a
/// measured rate in percent. Replaced by the next mock record of the item.
public struct MockMeasure: Sendable, Equatable, Codable {
    public var key: ItemKey
    public var cases: Int?
    public var rate: Double?
    public var actor: String
    public var at: Date

    public init(key: ItemKey, cases: Int?, rate: Double?, actor: String, at: Date) {
        self.key = key
        self.cases = cases
        self.rate = rate
        self.actor = actor
        self.at = at
    }
}

/// One line of the audit trail. Append-only.
public struct TrackerEvent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case item, task, refusal, mock, account

        public var chinese: String {
            switch self {
            case .item: "台账"
            case .task: "任务"
            case .refusal: "拒绝"
            case .mock: "模拟检查"
            case .account: "账号"
            }
        }
    }

    public var id: Int64
    public var at: Date
    public var actor: String
    public var kind: Kind
    /// `street` or a community id; empty for tasks.
    public var unit: String
    /// The item code or task id.
    public var subject: String
    public var old: String?
    public var new: String?
    public var note: String?

    /// An `old`/`new` value as people read it: an item status or a task state in Chinese.
    public static func stateLabel(_ raw: String?) -> String {
        raw.flatMap(ItemStatus.init(rawValue:))?.chinese ?? raw.flatMap(TaskState.init(rawValue:))?.chinese ?? raw ?? ""
    }

    /// `未检查 → 已确认`; empty for refusals and account changes, which change no state.
    public var changeLabel: String {
        kind == .refusal || kind == .account ? "" : "\(Self.stateLabel(old)) → \(Self.stateLabel(new))"
    }
}

/// A decided change of one item: its new status and who, when and why.
public struct ItemChange: Sendable {
    public var status: ItemStatus
    public var flagged: Bool
    public var actor: String
    public var at: Date
    public var note: String?
    public var kind: TrackerEvent.Kind

    public init(status: ItemStatus, flagged: Bool = false, actor: String, at: Date, note: String?, kind: TrackerEvent.Kind = .item) {
        self.status = status
        self.flagged = flagged
        self.actor = actor
        self.at = at
        self.note = note
        self.kind = kind
    }
}

/// A user document found by `taizhang scan`.
public struct DocumentRecord: Sendable, Equatable, Codable {
    /// Relative to the pack root.
    public var path: String
    public var unit: String
    public var item: String
    public var size: Int
    /// Modification time, seconds since 1970 (compared exactly to skip re-hashing).
    public var modified: Double
    public var sha256: String

    public init(path: String, unit: String, item: String, size: Int, modified: Double, sha256: String) {
        self.path = path
        self.unit = unit
        self.item = item
        self.size = size
        self.modified = modified
        self.sha256 = sha256
    }
}

/// One difference found by a scan.
public struct ScanChange: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case added, changed, removed }
    public var path: String
    public var unit: String
    public var item: String
    public var kind: Kind
    public var size: Int
    public var sha256: String
}

public struct ScanRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var at: Date
    /// The community scanned, or nil for the whole pack.
    public var scope: String?
    public var files: Int
    public var hashed: Int
}

/// A filter for the audit log.
public struct EventFilter: Sendable {
    public var since: Date?
    public var unit: String?
    public var actor: String?
    public var kind: TrackerEvent.Kind?
    public var limit: Int?

    public init(since: Date? = nil, unit: String? = nil, actor: String? = nil, kind: TrackerEvent.Kind? = nil, limit: Int? = nil) {
        self.since = since
        self.unit = unit
        self.actor = actor
        self.kind = kind
        self.limit = limit
    }
}

/// A signed-in web session as stored: under the SHA-256 of its cookie token (never the
/// token itself, so a copy of the database signs nobody in).
public struct StoredSession: Sendable, Equatable {
    public var tokenHash: String
    public var person: String
    public var csrf: String
    public var expires: Date
    public var lastUsed: Date

    public init(tokenHash: String, person: String, csrf: String, expires: Date, lastUsed: Date) {
        self.tokenHash = tokenHash
        self.person = person
        self.csrf = csrf
        self.expires = expires
        self.lastUsed = lastUsed
    }
}

/// Changes whenever a session may have been revoked, in this process or any other on the
/// same store: a web server may then keep the sessions it read in memory, and check only this
/// stamp on each request (`TrackerStore.sessionsStamp`). Its value means nothing by itself;
/// only whether it changed.
public struct SessionsStamp: Sendable, Equatable {
    let values: [UInt64]

    public init(_ values: [UInt64]) { self.values = values }
}

/// One sign-in failure counter of the web's throttle: failures of an address (over all accounts),
/// or of an address and one account together, and when the last one happened. The web's
/// `SignInThrottle` names the counters (`key`) and keeps the policy; the store keeps the counts,
/// so that a restart of `serve`, or a second `serve` on the same database, keeps the back-off.
public struct SignInCounter: Sendable, Equatable {
    public var key: String
    public var failures: Int
    public var last: Date

    public init(key: String, failures: Int, last: Date) {
        self.key = key
        self.failures = failures
        self.last = last
    }
}

/// Where the tracker keeps its data. SQLite through GRDB is the embedded default;
/// `PostgresTrackerStore` serves a district's streets from one database and
/// `InMemoryTrackerStore` is the test double. Nothing outside a store's own file knows SQL,
/// and nothing outside `Tracker` reaches a store: the rules live there, for every backend.
///
/// Every method is synchronous and may block (the web calls the tracker off its executor,
/// through `Blocking`); each write is one transaction, acknowledged only once committed.
public protocol TrackerStore: Sendable {
    /// True when opened for reading only: every write fails.
    var isReadOnly: Bool { get }
    /// The names of the schema's migrations applied to this store, oldest first (the same
    /// named, versioned steps on every backend).
    func appliedMigrations() throws -> [String]
    /// All item records.
    func items() throws -> [ItemRecord]
    /// The item records of some units only (a web page showing one community), in the order
    /// of `items()`.
    func items(units: Set<String>) throws -> [ItemRecord]
    /// In one write transaction: reads the item's record, lets `decide` compute the change
    /// (nil: nothing to do), writes the new state and appends its event, which it returns.
    func update(_ key: ItemKey, _ decide: (ItemRecord?) throws -> ItemChange?) throws -> TrackerEvent?
    /// The same for many items in one transaction (a scan filing thousands of items).
    func update(_ keys: [ItemKey], _ decide: (ItemKey, ItemRecord?) throws -> ItemChange?) throws -> [TrackerEvent]
    /// Records an event that changes no state (refusals).
    func append(_ event: TrackerEvent) throws
    func events(_ filter: EventFilter) throws -> [TrackerEvent]

    /// Adds tasks not yet known and refreshes titles, owners and due dates of known ones;
    /// completion state is never touched.
    func seedTasks(_ tasks: [TaskRecord]) throws
    func tasks() throws -> [TaskRecord]
    /// Sets a task's state and appends its event in one transaction; nil, and nothing written,
    /// when the task is unknown or already in `state` (decided inside the transaction, so two
    /// concurrent "done" never log done → done).
    func setTask(_ id: String, state: TaskState, actor: String, at: Date, note: String?) throws -> TrackerEvent?

    /// Documents recorded by earlier scans, for the given units (all when nil).
    func documents(units: Set<String>?) throws -> [DocumentRecord]
    /// Records a scan in one transaction: new or changed documents (upserted), the paths
    /// that went missing (deleted), and the changes; returns the scan.
    func recordScan(at: Date, scope: String?, files: Int, upserts: [DocumentRecord], removed: [String], changes: [ScanChange], hashed: Int) throws -> ScanRecord
    func scans() throws -> [ScanRecord]
    func changes(scan: Int64) throws -> [ScanChange]

    /// Cases and rates counted by the latest mock inspection of each item.
    func mockMeasures() throws -> [MockMeasure]
    /// Replaces an item's mock measure; a measure with neither cases nor rate removes it.
    func setMockMeasure(_ measure: MockMeasure) throws

    /// The password hash (bcrypt) of a person's web account, if they have one.
    func passwordHash(person: String) throws -> String?
    /// Creates or replaces a person's web account password hash.
    func setPasswordHash(_ hash: String, person: String, at: Date) throws

    /// Web sessions, so that a restart or a second `serve` keeps people signed in.
    func saveSession(_ session: StoredSession) throws
    func session(tokenHash: String) throws -> StoredSession?
    func removeSessions(tokenHashes: [String]) throws
    /// All sessions held (expired ones too, until removed), for the bounds.
    func sessions() throws -> [StoredSession]
    /// A stamp that changes after every `removeSessions`, in any process, read without a
    /// database access; nil when the store cannot tell (then every request reads its session).
    func sessionsStamp() -> SessionsStamp?

    /// The sign-in failure counters with these keys (forgotten ones too, until removed).
    func signInCounters(keys: [String]) throws -> [SignInCounter]
    /// In one transaction: one more failure for each key at `at` (a counter whose last failure
    /// is `forgetAfter` or more before `at` starts again at 1); then counters that old are
    /// removed, and beyond `capacity` counters the least recently failed go (never the keys
    /// just counted). So the table never grows beyond `capacity`, whatever the traffic.
    func recordSignInFailure(keys: [String], at: Date, forgetAfter: TimeInterval, capacity: Int) throws
    func removeSignInCounters(keys: [String]) throws
    /// How many counters are held, for the bounds.
    func signInCounterCount() throws -> Int
}

extension TrackerStore {
    /// No stamp: sessions are read from the store on every request.
    public func sessionsStamp() -> SessionsStamp? { nil }

    /// Filters `items()`; a store with an index on the unit answers from it (SQLite).
    public func items(units: Set<String>) throws -> [ItemRecord] { try items().filter { units.contains($0.key.unit) } }
}
