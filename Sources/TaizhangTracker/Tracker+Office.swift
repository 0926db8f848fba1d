/// Reads for the spreadsheet export (`taizhang export --what tasks|log`), through the tracker
/// like every other caller, so the exporter never touches a store.
extension Tracker {
    /// Every task with its state, as `taizhang tasks` lists them.
    public func taskRecords() throws -> [TaskRecord] {
        try tasks()
    }

    /// The audit trail, oldest first, as `taizhang log` shows it.
    public func auditEvents(_ filter: EventFilter = EventFilter()) throws -> [TrackerEvent] {
        try events(filter)
    }
}
