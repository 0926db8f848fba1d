import Synchronization
import TaizhangCore

/// Each session's rendered rows of its last items page (`PageFragments`), so that a reload
/// renders only the rows that changed. Keyed by the session (its person and its own random CSRF
/// token): nothing is shared between people or sessions. Bounded: the `capacity` most recently
/// used sessions, each at most `PageFragments.maximumBytes` (1 MiB; an 84 KB page keeps 84 KB).
final class SessionFragments: Sendable {
    static let capacity = 64
    private struct Slot {
        var fragments: PageFragments
        var used: UInt64
    }
    private let slots = Mutex<(clock: UInt64, byKey: [String: Slot])>((0, [:]))

    func fragments(for session: WebSession) -> PageFragments {
        let key = session.person + "\u{0}" + session.csrf
        return slots.withLock { state in
            state.clock += 1
            if let slot = state.byKey[key] {
                state.byKey[key]?.used = state.clock
                return slot.fragments
            }
            if state.byKey.count >= Self.capacity, let oldest = state.byKey.min(by: { $0.value.used < $1.value.used })?.key {
                state.byKey[oldest] = nil
            }
            let fragments = PageFragments()
            state.byKey[key] = Slot(fragments: fragments, used: state.clock)
            return fragments
        }
    }

    /// The sessions held (tests).
    var count: Int { slots.withLock { $0.byKey.count } }
}
