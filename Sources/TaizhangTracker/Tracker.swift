import Foundation
import TaizhangCore

/// The tracker's rules, shared by the command line and the web page: who may change what,
/// which transitions exist, and what every change records.
public struct Tracker: Sendable {
    public let workspace: Workspace
    /// Reached only through `Tracker`'s methods, so its rules run on every backend.
    private let store: any TrackerStore
    public let plan: PackPlan
    /// The clock; tests pass a fixed one.
    public let now: @Sendable () -> Date

    public static let streetUnit = "street"

    public init(workspace: Workspace, store: any TrackerStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.workspace = workspace
        self.store = store
        self.plan = PackPlanner(workspace: workspace).plan()
        self.now = now
    }

    /// The default store location inside a workspace (git-ignored).
    public static func defaultDatabasePath(workspace root: String) -> String { root + "/.taizhang/tracker.sqlite" }

    // MARK: Errors

    public enum Failure: Error, Equatable, CustomStringConvertible, Sendable {
        case unknownPerson(String)
        case unknownUnit(String)
        case unknownItem(String, unit: String)
        case unknownTask(String)
        case forbidden(String)
        case reasonRequired

        public var description: String {
            switch self {
            case .unknownPerson(let id): "unknown person \"\(id)\""
            case .unknownUnit(let id): "unknown community \"\(id)\" (use a community id, or \(Tracker.streetUnit) for the street section)"
            case .unknownItem(let code, let unit): "item \(code) is not in the ledgers of \(unit)"
            case .unknownTask(let id): "unknown task \"\(id)\""
            case .forbidden(let why): "not allowed: \(why)"
            case .reasonRequired: "marking an item not applicable needs a reason (--note)"
            }
        }
    }

    // MARK: Lookups

    public func person(_ id: String) throws(Failure) -> Person {
        guard let person = workspace.street.person(id) else { throw .unknownPerson(id) }
        return person
    }

    public func unit(_ id: String) throws(Failure) -> UnitPlan {
        guard let unit = plan.unit(id: id) else { throw .unknownUnit(id) }
        return unit
    }

    public func itemPlan(_ code: String, in unit: UnitPlan) throws(Failure) -> ItemPlan {
        // Binder by binder: `unit.items` would copy every item plan of the unit on each tick.
        for binder in unit.binders {
            if let item = binder.items.first(where: { $0.item.code == code }) { return item }
        }
        throw .unknownItem(code, unit: unit.name)
    }

    /// Groups a person leads or belongs to.
    public func groups(of person: Person) -> [WorkingGroup] {
        workspace.street.groups.filter { $0.lead.id == person.id || $0.members.contains { $0.id == person.id } }
    }

    // MARK: Permissions

    /// Nil when allowed, else why not. The preparation team may change anything; others the
    /// items their group owns and, for community ledgers, every item of their own community.
    public func refusal(person: Person, unit: UnitPlan, item: ItemPlan) -> String? {
        if mayChange(person: person, unit: unit, item: item) { return nil }
        let owner = item.item.group.flatMap { workspace.street.group($0.id)?.name } ?? "no group"
        return "\(person.name) (\(person.id)) may not change item \(item.item.code) of \(unit.name): it belongs to \(owner)"
    }

    /// The units in which `person` may change at least one item (`mayChange`), with the
    /// person's groups found once rather than for every item of every unit.
    public func unitsWithChanges(for person: Person) -> [UnitPlan] {
        if person.isPreparationTeam { return plan.units }
        let groups = Set(groups(of: person).map(\.id))
        return plan.units.filter { unit in
            (unit.kind == .community && person.community?.id == unit.id)
                || (!groups.isEmpty && unit.binders.contains { $0.items.contains { $0.item.group.map { groups.contains($0.id) } ?? false } })
        }
    }

    /// `refusal(…) == nil`, without writing out why not (pages ask it for every item).
    public func mayChange(person: Person, unit: UnitPlan, item: ItemPlan) -> Bool {
        if person.isPreparationTeam { return true }
        if unit.kind == .community, person.community?.id == unit.id { return true }
        guard let group = item.item.group?.id else { return false }
        return workspace.street.groups.contains { $0.id == group && ($0.lead.id == person.id || $0.members.contains { $0.id == person.id }) }
    }

    public func refusal(person: Person, task: TaskRecord) -> String? {
        if person.isPreparationTeam || task.owner == person.id { return nil }
        if groups(of: person).contains(where: { $0.id == task.group }) { return nil }
        return "\(person.name) (\(person.id)) may not change task \(task.id) of group \(task.group)"
    }

    /// Nil when the person may record mock-inspection results: the preparation team and the
    /// members of a group whose schema role is `check-team`.
    public func mockRefusal(person: Person) -> String? {
        if person.isPreparationTeam || groups(of: person).contains(where: { $0.role == .checkTeam }) { return nil }
        return "\(person.name) (\(person.id)) may not record mock-inspection results: only the check team (role=\"check-team\") and the preparation team may"
    }

    /// Logs a refused change, then throws `forbidden`.
    func refuse(_ actor: String, unit: String, subject: String, why: String) throws -> Never {
        try store.append(TrackerEvent(id: 0, at: now(), actor: actor, kind: .refusal, unit: unit, subject: subject, old: nil, new: nil, note: why))
        throw Failure.forbidden(why)
    }

    // MARK: Items

    /// Sets an item's status (tick). `na` needs a reason.
    @discardableResult
    public func tick(item code: String, unit unitID: String, by actor: String, status: ItemStatus = .ticked, note: String? = nil) throws -> TrackerEvent? {
        let person = try person(actor)
        let unit = try unit(unitID)
        let item = try itemPlan(code, in: unit)
        if status == .notApplicable, (note ?? "").trimmingCharacters(in: .whitespaces).isEmpty { throw Failure.reasonRequired }
        if let why = refusal(person: person, unit: unit, item: item) { try refuse(actor, unit: unitID, subject: code, why: why) }
        let at = now()
        return try store.update(ItemKey(unit: unitID, item: code)) { current in
            if current?.status == status, current?.note == note, current?.flagged != true { return nil }
            return ItemChange(status: status, actor: actor, at: at, note: note)
        }
    }

    /// Moves an item one step back: 已抽验 → 已确认 → 已归档 → 未检查; 不适用 → 未检查.
    @discardableResult
    public func untick(item code: String, unit unitID: String, by actor: String, note: String? = nil) throws -> TrackerEvent? {
        let person = try person(actor)
        let unit = try unit(unitID)
        let item = try itemPlan(code, in: unit)
        if let why = refusal(person: person, unit: unit, item: item) { try refuse(actor, unit: unitID, subject: code, why: why) }
        let at = now()
        return try store.update(ItemKey(unit: unitID, item: code)) { current in
            guard let current, let back = Tracker.stepBack(from: current.status) else { return nil }
            return ItemChange(status: back, actor: actor, at: at, note: note)
        }
    }

    static func stepBack(from status: ItemStatus) -> ItemStatus? {
        switch status {
        case .notReviewed: nil
        case .filed, .notApplicable: .notReviewed
        case .ticked: .filed
        case .verified: .ticked
        }
    }

    // MARK: Tasks

    /// Copies the task lists into the store (new tasks open; completion kept). Called once
    /// when a tracker is opened (command line, web server), not on every read.
    public func seedTasks() throws {
        let inspection = workspace.street.inspectionDate
        try store.seedTasks(
            workspace.tasks.map {
                TaskRecord(
                    id: $0.id, group: $0.group.id, title: $0.title, owner: $0.owner.id, due: $0.dueDay(inspection: inspection),
                    state: .open, doneBy: nil, doneAt: nil)
            })
    }

    @discardableResult
    public func setTask(_ id: String, to state: TaskState, by actor: String, note: String? = nil) throws -> TrackerEvent? {
        let person = try person(actor)
        guard let task = try store.tasks().first(where: { $0.id == id }) else { throw Failure.unknownTask(id) }
        if let why = refusal(person: person, task: task) { try refuse(actor, unit: "", subject: id, why: why) }
        // Whether anything changes is decided inside the store's write transaction.
        return try store.setTask(id, state: state, actor: actor, at: now(), note: note)
    }

    // MARK: Snapshots

    /// Item statuses for the generator's indexes.
    public func statusSource() throws -> TrackerSnapshot {
        TrackerSnapshot(records: try store.items(), people: Dictionary(workspace.street.people.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The file names (relative to the item folder) the last `scan` recorded per item and unit:
    /// what `status` counts as present, so that its flags agree with the printed index.
    public func scannedFileNames() throws -> [ItemKey: [String]] {
        var folders: [ItemKey: String] = [:]
        for unit in plan.units {
            for binder in unit.binders {
                for item in binder.items { folders[ItemKey(unit: unit.id, item: item.item.code)] = PackPaths.relative(unit, binder, item) + "/" }
            }
        }
        var names: [ItemKey: [String]] = [:]
        for document in try store.documents(units: nil) {
            let key = ItemKey(unit: document.unit, item: document.item)
            guard let folder = folders[key], document.path.hasPrefix(folder) else { continue }
            names[key, default: []].append(String(document.path.dropFirst(folder.count)))
        }
        return names
    }

    /// Records whose item is no longer in the plan (removed from the catalogue, or a
    /// community that left): kept in the store and reported, never dropped.
    public func orphanedRecords() throws -> [ItemRecord] {
        var planned: Set<ItemKey> = []
        for unit in plan.units {
            for item in unit.items { planned.insert(ItemKey(unit: unit.id, item: item.item.code)) }
        }
        return try store.items().filter { !planned.contains($0.key) && $0.status != .notReviewed }
    }
}

// MARK: Store access

/// Everything outside the tracker reads and writes through these methods; the rules above run
/// before any write, whichever store (SQLite, PostgreSQL, in memory) is behind them.
extension Tracker {
    /// False when the store was opened for reading only (every write then fails).
    public var isReadOnly: Bool { store.isReadOnly }

    public func items() throws -> [ItemRecord] { try store.items() }

    /// The item records of some units only.
    public func items(units: Set<String>) throws -> [ItemRecord] { try store.items(units: units) }

    /// One item's record, nil when it was never changed.
    public func record(_ key: ItemKey) throws -> ItemRecord? { try store.items().first { $0.key == key } }

    public func events(_ filter: EventFilter = EventFilter()) throws -> [TrackerEvent] { try store.events(filter) }

    public func tasks() throws -> [TaskRecord] { try store.tasks() }

    public func documents(units: Set<String>?) throws -> [DocumentRecord] { try store.documents(units: units) }

    public func scans() throws -> [ScanRecord] { try store.scans() }

    public func changes(scan: Int64) throws -> [ScanChange] { try store.changes(scan: scan) }

    public func mockMeasures() throws -> [MockMeasure] { try store.mockMeasures() }

    /// The bcrypt hash of a person's web account; nil for an unknown person or no account.
    public func passwordHash(person: String) throws -> String? {
        workspace.street.person(person) == nil ? nil : try store.passwordHash(person: person)
    }

    /// Stores a person's password hash (the web's `Accounts` checks the policy and hashes), then
    /// signs that person out everywhere: a new password is what the preparation team sets when
    /// the old one got out or someone should no longer be in, and a session opened with the old
    /// one must not outlive it. Returns how many sessions it ended. (A sign-in with the new
    /// password that lands between the two steps keeps its session, as it should.)
    @discardableResult
    public func setPasswordHash(_ hash: String, person id: String, at: Date) throws -> Int {
        _ = try person(id)
        try store.setPasswordHash(hash, person: id, at: at)
        let theirs = try store.sessions().filter { $0.person == id }.map(\.tokenHash)
        if !theirs.isEmpty { try store.removeSessions(tokenHashes: theirs) }
        return theirs.count
    }

    // Web sessions (the web's `StoredSessionStore` keeps its policy; the store keeps the rows).

    public func saveSession(_ session: StoredSession) throws { try store.saveSession(session) }

    public func session(tokenHash: String) throws -> StoredSession? { try store.session(tokenHash: tokenHash) }

    public func removeSessions(tokenHashes: [String]) throws { try store.removeSessions(tokenHashes: tokenHashes) }

    public func sessions() throws -> [StoredSession] { try store.sessions() }

    public func sessionsStamp() -> SessionsStamp? { store.sessionsStamp() }

    // Sign-in throttle counters (the web's `StoredSignInThrottle` keeps the policy; the store the counts).

    public func signInCounters(keys: [String]) throws -> [SignInCounter] { try store.signInCounters(keys: keys) }

    public func recordSignInFailure(keys: [String], at: Date, forgetAfter: TimeInterval, capacity: Int) throws {
        try store.recordSignInFailure(keys: keys, at: at, forgetAfter: forgetAfter, capacity: max(capacity, keys.count))
    }

    public func removeSignInCounters(keys: [String]) throws { try store.removeSignInCounters(keys: keys) }

    public func signInCounterCount() throws -> Int { try store.signInCounterCount() }

    // Writes for the tracker's own rule code (scans filing items, mock inspections).

    func update(_ key: ItemKey, _ decide: (ItemRecord?) throws -> ItemChange?) throws -> TrackerEvent? {
        try store.update(key, decide)
    }

    func update(_ keys: [ItemKey], _ decide: (ItemKey, ItemRecord?) throws -> ItemChange?) throws -> [TrackerEvent] {
        try store.update(keys, decide)
    }

    func recordScan(
        at: Date, scope: String?, files: Int, upserts: [DocumentRecord], removed: [String], changes: [ScanChange], hashed: Int
    ) throws -> ScanRecord {
        try store.recordScan(at: at, scope: scope, files: files, upserts: upserts, removed: removed, changes: changes, hashed: hashed)
    }

    func setMockMeasure(_ measure: MockMeasure) throws { try store.setMockMeasure(measure) }
}

/// A read-only copy of the item statuses, handed to the generator.
public struct TrackerSnapshot: ItemStatusSource {
    let records: [ItemKey: ItemRecord]
    let people: [String: String]

    init(records: [ItemRecord], people: [String: String]) {
        self.records = Dictionary(records.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        self.people = people
    }

    public func status(unit: String, item: String) -> ItemStatusInfo? {
        guard let record = records[ItemKey(unit: unit, item: item)] else { return nil }
        return ItemStatusInfo(
            status: record.status, by: record.by.map { people[$0] ?? $0 },
            at: record.at.map(ChinaTime.timestamp), flagged: record.flagged, note: record.note)
    }
}

extension Tracker {
    /// Logs a change refused by a rule checked outside `tick` (an upload the web page refused),
    /// as `tick` logs its own refusals.
    public func logRefusal(by actor: String, unit: String, subject: String, why: String) throws {
        try store.append(TrackerEvent(id: 0, at: now(), actor: actor, kind: .refusal, unit: unit, subject: subject, old: nil, new: nil, note: why))
    }
}
