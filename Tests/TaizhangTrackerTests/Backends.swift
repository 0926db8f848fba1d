import Foundation
import TaizhangCore
import Testing

@testable import TaizhangTracker

/// The stores the conformance suite runs on.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, memory

    var testDescription: String { rawValue }

    /// The backends to test here.
    static let available: [Backend] = allCases

    func makeStore(directory: String) throws -> any TrackerStore {
        switch self {
        case .sqlite: try SQLiteTrackerStore(path: directory + "/tracker.sqlite")
        case .memory: InMemoryTrackerStore()
        }
    }

    /// A second store on the same data, as a second process opens it (memory: the same store).
    func reopen(_ store: any TrackerStore, directory: String) throws -> any TrackerStore {
        switch self {
        case .sqlite: try SQLiteTrackerStore(path: directory + "/tracker.sqlite")
        case .memory: store
        }
    }
}

extension TrackerStore {
    /// One item's record, read through `items()`: the store needs no single-item read of its own.
    func record(_ key: ItemKey) throws -> ItemRecord? { try items().first { $0.key == key } }
}
