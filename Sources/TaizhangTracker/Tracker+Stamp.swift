import Foundation
import TaizhangCore

extension Tracker {
    /// A digest of everything a generated pack shows from the tracker: item statuses, tasks,
    /// mock measures and the scans (whose documents count as present). Equal stamps mean the
    /// pack would read the same; any tick, undo, task change, mock result or scan changes it.
    /// `generate` keeps it in its run record (`RunCache`) to skip a run with nothing new.
    ///
    /// Static, on the store, because it is taken before the workspace is read: the run it
    /// decides about may not need the workspace at all. Built from the store protocol's own
    /// queries, so every backend gives it.
    public static func changeStamp(of store: any TrackerStore) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes = Data()
        func add(_ value: some Encodable) throws {
            bytes.append(try encoder.encode(value))
            bytes.append(0)
        }
        try add(store.items().sorted { $0.key < $1.key })
        try add(store.tasks().sorted { $0.id < $1.id })
        try add(store.mockMeasures().sorted { $0.key < $1.key })
        try add(store.scans().sorted { $0.id < $1.id })
        return Manifest.sha256(bytes)
    }
}
