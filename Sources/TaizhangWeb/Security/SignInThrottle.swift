import Foundation
import TaizhangTracker

/// Slows down password guessing without locking anyone out.
///
/// Failures are counted per (address, account) pair and per address; never per account alone,
/// so guesses from one machine cannot lock out the person signing in from another. Both
/// counters allow a few free failures, then back off exponentially. `serve` keeps the counters
/// in the tracker store (`StoredSignInThrottle`), so a restart or a second `serve` on the same
/// database keeps the back-off; `InMemorySignInThrottle` is the test double. A store that fails
/// (a database server down) throws: the page then answers 503.
public protocol SignInThrottle: Sendable {
    /// How long this address must wait before it may try this account again; nil when now.
    func retryAfter(person: String, address: String, now: Date) async throws -> TimeInterval?
    func recordFailure(person: String, address: String, now: Date) async throws
    /// A successful sign-in forgets the pair's failures (the address's own count stays).
    func recordSuccess(person: String, address: String) async throws
    /// How many counters are held (for the bounds test).
    func count() async throws -> Int
}

/// The throttle policy; the README's "Web page" section documents these numbers.
public struct SignInThrottlePolicy: Sendable {
    /// Failures of one account from one address before back-off starts.
    public var freePerPair = 5
    /// Failures from one address, over all accounts, before back-off starts.
    public var freePerAddress = 20
    /// The first wait; each further failure doubles it.
    public var firstDelay: TimeInterval = 1
    /// The longest wait.
    public var maximumDelay: TimeInterval = 15 * 60
    /// A counter is forgotten this long after its last failure.
    public var forgetAfter: TimeInterval = 15 * 60
    /// Most counters held; beyond that expired ones go first, then the oldest.
    public var capacity = 10_000

    public init() {}

    /// The wait after `failures` failures when `free` are allowed.
    func delay(failures: Int, free: Int) -> TimeInterval {
        guard failures >= free else { return 0 }
        let doublings = min(failures - free, 30)
        return min(maximumDelay, firstDelay * pow(2, Double(doublings)))
    }

    /// The wait left at `now` for a counter last failed at `last`; 0 once it is forgotten.
    func wait(failures: Int, last: Date, free: Int, now: Date) -> TimeInterval {
        guard now.timeIntervalSince(last) < forgetAfter else { return 0 }
        let until = last.addingTimeInterval(delay(failures: failures, free: free))
        return max(0, until.timeIntervalSince(now))
    }

    /// The longer of the pair's and the address's waits; nil when there is none.
    static func longest(_ waits: [TimeInterval]) -> TimeInterval? {
        let longest = waits.max() ?? 0
        return longest > 0 ? longest : nil
    }
}

/// The throttle's counters in the tracker store (SQLite file or PostgreSQL), under the same
/// policy as `InMemorySignInThrottle`: a restart of `serve`, or a second `serve` on the same
/// database, keeps the back-off. The store prunes forgotten counters, and bounds their number,
/// on every recorded failure. The database work runs off the async executor (`Blocking`).
public struct StoredSignInThrottle: SignInThrottle {
    private let tracker: Tracker
    public let policy: SignInThrottlePolicy

    public init(tracker: Tracker, policy: SignInThrottlePolicy = SignInThrottlePolicy()) {
        self.tracker = tracker
        self.policy = policy
    }

    /// The counters' keys: the address with the account, and the address alone (an address
    /// never holds a line break, so the two never meet).
    static func keys(person: String, address: String) -> (pair: String, address: String) {
        ("account \(address)\n\(person)", "address \(address)")
    }

    public func retryAfter(person: String, address: String, now: Date) async throws -> TimeInterval? {
        let (tracker, policy) = (tracker, policy)
        let keys = Self.keys(person: person, address: address)
        let counters = try await Blocking.run { try tracker.signInCounters(keys: [keys.pair, keys.address]) }
        return SignInThrottlePolicy.longest(
            counters.map { counter in
                let free = counter.key == keys.pair ? policy.freePerPair : policy.freePerAddress
                return policy.wait(failures: counter.failures, last: counter.last, free: free, now: now)
            })
    }

    public func recordFailure(person: String, address: String, now: Date) async throws {
        let (tracker, policy) = (tracker, policy)
        let keys = Self.keys(person: person, address: address)
        try await Blocking.run {
            try tracker.recordSignInFailure(keys: [keys.pair, keys.address], at: now, forgetAfter: policy.forgetAfter, capacity: policy.capacity)
        }
    }

    public func recordSuccess(person: String, address: String) async throws {
        let tracker = tracker
        let pair = Self.keys(person: person, address: address).pair
        try await Blocking.run { try tracker.removeSignInCounters(keys: [pair]) }
    }

    public func count() async throws -> Int {
        let tracker = tracker
        return try await Blocking.run { try tracker.signInCounterCount() }
    }
}

public actor InMemorySignInThrottle: SignInThrottle {
    private enum Key: Hashable {
        case pair(address: String, person: String)
        case address(String)
    }

    private struct Counter {
        var failures: Int
        var last: Date
    }

    private var counters: [Key: Counter] = [:]
    public let policy: SignInThrottlePolicy

    public init(policy: SignInThrottlePolicy = SignInThrottlePolicy()) { self.policy = policy }

    public func retryAfter(person: String, address: String, now: Date) -> TimeInterval? {
        SignInThrottlePolicy.longest([
            wait(.pair(address: address, person: person), free: policy.freePerPair, now: now),
            wait(.address(address), free: policy.freePerAddress, now: now),
        ])
    }

    public func recordFailure(person: String, address: String, now: Date) {
        for key in [Key.pair(address: address, person: person), .address(address)] {
            var counter = live(key, now: now) ?? Counter(failures: 0, last: now)
            counter.failures += 1
            counter.last = now
            if counters[key] == nil { makeRoom(now: now) }
            counters[key] = counter
        }
    }

    public func recordSuccess(person: String, address: String) {
        counters[.pair(address: address, person: person)] = nil
    }

    public func count() -> Int { counters.count }

    /// The counter, unless it has been forgotten.
    private func live(_ key: Key, now: Date) -> Counter? {
        guard let counter = counters[key] else { return nil }
        if now.timeIntervalSince(counter.last) >= policy.forgetAfter {
            counters[key] = nil
            return nil
        }
        return counter
    }

    private func wait(_ key: Key, free: Int, now: Date) -> TimeInterval {
        guard let counter = live(key, now: now) else { return 0 }
        return policy.wait(failures: counter.failures, last: counter.last, free: free, now: now)
    }

    private func makeRoom(now: Date) {
        guard counters.count >= policy.capacity else { return }
        counters = counters.filter { now.timeIntervalSince($0.value.last) < policy.forgetAfter }
        while counters.count >= policy.capacity, let oldest = counters.min(by: { $0.value.last < $1.value.last }) {
            counters[oldest.key] = nil
        }
    }
}
