import TaizhangCore
import TaizhangTracker

/// Every tracker access of the web pages beyond `Tracker`'s own rules, in one place: when `Tracker` becomes the only
/// gateway to the store (issue #14), only this file follows.
extension Tracker {
    /// All item records by unit and item.
    func webRecords() throws -> [ItemKey: ItemRecord] {
        Dictionary(try store.items().map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func webTasks() throws -> [TaskRecord] { try store.tasks() }

    func webEvents(_ filter: EventFilter) throws -> [TrackerEvent] { try store.events(filter) }

    /// Why each blocked task is blocked: the note of its latest change to 受阻.
    func webBlockedReasons() throws -> [String: String] {
        var reasons: [String: String] = [:]
        for event in try store.events(EventFilter(kind: .task)) where event.new == TaskState.blocked.rawValue {
            reasons[event.subject] = event.note ?? ""
        }
        return reasons
    }
}
