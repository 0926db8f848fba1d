import TaizhangCore
import TaizhangTracker

/// Reads the web pages combine from `Tracker`'s public queries, in one place (`Tracker` is the only
/// gateway to the store).
extension Tracker {
    /// The item records of `units` (all when nil) by unit and item.
    func webRecords(units: Set<String>? = nil) throws -> [ItemKey: ItemRecord] {
        Dictionary(try (units.map(items(units:)) ?? items()).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func webTasks() throws -> [TaskRecord] { try tasks() }

    func webEvents(_ filter: EventFilter) throws -> [TrackerEvent] { try events(filter) }

    /// Why each blocked task is blocked: the note of its latest change to 受阻.
    func webBlockedReasons() throws -> [String: String] {
        var reasons: [String: String] = [:]
        for event in try events(EventFilter(kind: .task)) where event.new == TaskState.blocked.rawValue {
            reasons[event.subject] = event.note ?? ""
        }
        return reasons
    }
}
