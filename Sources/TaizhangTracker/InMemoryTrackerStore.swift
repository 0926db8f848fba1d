import Foundation
import Synchronization
import TaizhangCore

/// The tracker store as plain values behind a lock: the test double, and the reference the
/// conformance suite holds the database stores to. Each method runs under the lock as one
/// "transaction": `decide` sees the state no other writer can change before it is written.
public final class InMemoryTrackerStore: TrackerStore {
    private struct State {
        var items: [ItemKey: ItemRecord] = [:]
        var events: [TrackerEvent] = []
        var tasks: [String: TaskRecord] = [:]
        var documents: [String: DocumentRecord] = [:]
        var scans: [ScanRecord] = []
        var changes: [Int64: [ScanChange]] = [:]
        var measures: [ItemKey: MockMeasure] = [:]
        var accounts: [String: String] = [:]
        var sessions: [String: StoredSession] = [:]
        var sessionRemovals: UInt64 = 0
        var signInCounters: [String: SignInCounter] = [:]

        /// Appends an event with the next id (ids only grow, like the databases' keys).
        mutating func append(_ event: TrackerEvent) -> TrackerEvent {
            var event = event
            event.id = (events.last?.id ?? 0) + 1
            events.append(event)
            return event
        }
    }

    private let state = Mutex(State())

    public init() {}

    public var isReadOnly: Bool { false }

    /// Nothing to migrate: the store stands for the current schema.
    public func appliedMigrations() throws -> [String] { SQLiteTrackerStore.migrator.migrations }

    public func items() throws -> [ItemRecord] { state.withLock { $0.items.values.sorted { $0.key < $1.key } } }

    public func update(_ key: ItemKey, _ decide: (ItemRecord?) throws -> ItemChange?) throws -> TrackerEvent? {
        try update([key]) { _, record in try decide(record) }.first
    }

    public func update(_ keys: [ItemKey], _ decide: (ItemKey, ItemRecord?) throws -> ItemChange?) throws -> [TrackerEvent] {
        try state.withLock { state in
            // All or nothing, as a database transaction: work on a copy, keep it only at the end.
            var copy = state
            var events: [TrackerEvent] = []
            for key in keys {
                let current = copy.items[key]
                guard let change = try decide(key, current) else { continue }
                copy.items[key] = ItemRecord(
                    key: key, status: change.status, by: change.actor, at: change.at, note: change.note, flagged: change.flagged)
                events.append(
                    copy.append(
                        TrackerEvent(
                            id: 0, at: change.at, actor: change.actor, kind: change.kind, unit: key.unit, subject: key.item,
                            old: (current?.status ?? .notReviewed).rawValue, new: change.status.rawValue, note: change.note)))
            }
            state = copy
            return events
        }
    }

    public func append(_ event: TrackerEvent) throws { _ = state.withLock { $0.append(event) } }

    public func events(_ filter: EventFilter) throws -> [TrackerEvent] {
        let matching = state.withLock { state in
            state.events.filter { event in
                filter.since.map { event.at >= $0 } ?? true && filter.unit.map { event.unit == $0 } ?? true
                    && filter.actor.map { event.actor == $0 } ?? true && filter.kind.map { event.kind == $0 } ?? true
            }
        }
        return filter.limit.map { Array(matching.suffix($0)) } ?? matching
    }

    public func seedTasks(_ tasks: [TaskRecord]) throws {
        state.withLock { state in
            for task in tasks {
                if var existing = state.tasks[task.id] {
                    existing.title = task.title
                    existing.owner = task.owner
                    existing.group = task.group
                    existing.due = task.due
                    state.tasks[task.id] = existing
                } else {
                    var new = task
                    new.state = .open
                    new.doneBy = nil
                    new.doneAt = nil
                    state.tasks[task.id] = new
                }
            }
        }
    }

    public func tasks() throws -> [TaskRecord] { state.withLock { $0.tasks.values.sorted { $0.id < $1.id } } }

    public func setTask(_ id: String, state newState: TaskState, actor: String, at: Date, note: String?) throws -> TrackerEvent? {
        state.withLock { state in
            guard var task = state.tasks[id], task.state != newState else { return nil }
            let old = task.state
            task.state = newState
            task.doneBy = newState == .done ? actor : nil
            task.doneAt = newState == .done ? at : nil
            state.tasks[id] = task
            return state.append(
                TrackerEvent(id: 0, at: at, actor: actor, kind: .task, unit: "", subject: id, old: old.rawValue, new: newState.rawValue, note: note))
        }
    }

    public func documents(units: Set<String>?) throws -> [DocumentRecord] {
        state.withLock { state in
            state.documents.values.filter { units?.contains($0.unit) ?? true }.sorted { $0.path < $1.path }
        }
    }

    public func recordScan(
        at: Date, scope: String?, files: Int, upserts: [DocumentRecord], removed: [String], changes: [ScanChange], hashed: Int
    ) throws -> ScanRecord {
        state.withLock { state in
            for path in removed { state.documents[path] = nil }
            for document in upserts { state.documents[document.path] = document }
            let scan = ScanRecord(id: (state.scans.last?.id ?? 0) + 1, at: at, scope: scope, files: files, hashed: hashed)
            state.scans.append(scan)
            state.changes[scan.id] = changes
            return scan
        }
    }

    public func scans() throws -> [ScanRecord] { state.withLock { $0.scans } }

    public func changes(scan: Int64) throws -> [ScanChange] {
        state.withLock { ($0.changes[scan] ?? []).sorted { ($0.unit, $0.path) < ($1.unit, $1.path) } }
    }

    public func mockMeasures() throws -> [MockMeasure] { state.withLock { $0.measures.values.sorted { $0.key < $1.key } } }

    public func setMockMeasure(_ measure: MockMeasure) throws {
        state.withLock { $0.measures[measure.key] = measure.cases == nil && measure.rate == nil ? nil : measure }
    }

    public func passwordHash(person: String) throws -> String? { state.withLock { $0.accounts[person] } }

    public func setPasswordHash(_ hash: String, person: String, at: Date) throws {
        state.withLock { state in
            state.accounts[person] = hash
            _ = state.append(
                TrackerEvent(id: 0, at: at, actor: person, kind: .account, unit: "", subject: person, old: nil, new: "password set", note: nil))
        }
    }

    public func saveSession(_ session: StoredSession) throws { state.withLock { $0.sessions[session.tokenHash] = session } }

    public func session(tokenHash: String) throws -> StoredSession? { state.withLock { $0.sessions[tokenHash] } }

    public func removeSessions(tokenHashes: [String]) throws {
        state.withLock { state in
            for hash in tokenHashes { state.sessions[hash] = nil }
            state.sessionRemovals += 1
        }
    }

    /// The number of removals (only this process holds the store).
    public func sessionsStamp() -> SessionsStamp? { SessionsStamp([state.withLock { $0.sessionRemovals }]) }

    public func sessions() throws -> [StoredSession] { state.withLock { Array($0.sessions.values) } }

    public func signInCounters(keys: [String]) throws -> [SignInCounter] {
        state.withLock { state in keys.compactMap { state.signInCounters[$0] } }
    }

    public func recordSignInFailure(keys: [String], at: Date, forgetAfter: TimeInterval, capacity: Int) throws {
        state.withLock { state in
            let forgotten = at.addingTimeInterval(-forgetAfter)
            for key in keys {
                let live = state.signInCounters[key].flatMap { $0.last > forgotten ? $0 : nil }
                state.signInCounters[key] = SignInCounter(key: key, failures: (live?.failures ?? 0) + 1, last: at)
            }
            state.signInCounters = state.signInCounters.filter { $0.value.last > forgotten }
            let others = state.signInCounters.values.filter { !keys.contains($0.key) }.sorted { ($0.last, $0.key) < ($1.last, $1.key) }
            for counter in others.prefix(max(0, state.signInCounters.count - capacity)) { state.signInCounters[counter.key] = nil }
        }
    }

    public func removeSignInCounters(keys: [String]) throws {
        state.withLock { state in
            for key in keys { state.signInCounters[key] = nil }
        }
    }

    public func signInCounterCount() throws -> Int { state.withLock { $0.signInCounters.count } }
}
