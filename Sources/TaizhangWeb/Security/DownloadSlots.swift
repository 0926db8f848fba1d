import Synchronization

/// How many on-demand downloads (a unit's PDF through Chromium, its zip) may be made at once.
///
/// They run on NIO's thread pool (`Blocking`), which has one thread per core and also serves
/// every tick, sign-in and page; a PDF holds its thread for ten seconds to a minute. On the
/// two-core office server, two PDFs at once would stall every other request until they end.
/// A request beyond the limit is answered 503 with `Retry-After` instead of queueing.
public final class DownloadSlots: Sendable {
    public let limit: Int
    private let busy = Mutex(0)

    public init(limit: Int = 1) {
        self.limit = max(1, limit)
    }

    /// Takes a slot, or returns false when all are busy.
    public func take() -> Bool {
        busy.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    /// Gives back a slot taken with `take()`.
    public func give() {
        busy.withLock { count in count = max(0, count - 1) }
    }
}
