import Foundation

/// Slows down password guessing without locking anyone out.
///
/// Failures are counted per (address, account) pair and per address; never per account alone,
/// so guesses from one machine cannot lock out the person signing in from another. Both
/// counters allow a few free failures, then back off exponentially. In memory today; issue #14
/// moves it into the tracker store, which then implements this protocol.
public protocol SignInThrottle: Sendable {
    /// How long this address must wait before it may try this account again; nil when now.
    func retryAfter(person: String, address: String, now: Date) async -> TimeInterval?
    func recordFailure(person: String, address: String, now: Date) async
    /// A successful sign-in forgets the pair's failures (the address's own count stays).
    func recordSuccess(person: String, address: String) async
    /// How many counters are held (for the bounds test).
    func count() async -> Int
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
        let waits = [
            wait(.pair(address: address, person: person), free: policy.freePerPair, now: now),
            wait(.address(address), free: policy.freePerAddress, now: now),
        ]
        let longest = waits.max() ?? 0
        return longest > 0 ? longest : nil
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
        let until = counter.last.addingTimeInterval(policy.delay(failures: counter.failures, free: free))
        return max(0, until.timeIntervalSince(now))
    }

    private func makeRoom(now: Date) {
        guard counters.count >= policy.capacity else { return }
        counters = counters.filter { now.timeIntervalSince($0.value.last) < policy.forgetAfter }
        while counters.count >= policy.capacity, let oldest = counters.min(by: { $0.value.last < $1.value.last }) {
            counters[oldest.key] = nil
        }
    }
}
