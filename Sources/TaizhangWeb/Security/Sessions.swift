import Foundation
import Synchronization
import TaizhangCore
import TaizhangTracker

/// A signed-in person's session: the cookie token maps to the person and the CSRF token that
/// every form of theirs must carry.
public struct WebSession: Sendable, Equatable {
    public var person: String
    public var csrf: String
    public var expires: Date
    /// When the session was last used, for evicting the least recently used one when full.
    public var lastUsed: Date
}

/// Random tokens from the system's secure generator.
enum Token {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }
}

/// Where sessions live: in the tracker store for `serve` (`StoredSessionStore`), or in memory.
/// A store that fails (a database server down) throws: the page then says so (500/503)
/// instead of signing the person out.
public protocol WebSessionStore: Sendable {
    func create(person: String, now: Date) async throws -> (token: String, session: WebSession)
    /// The session for a cookie token, extended by its lifetime; nil when unknown or expired.
    func session(_ token: String, now: Date) async throws -> WebSession?
    func remove(_ token: String) async throws
    /// How many sessions are held (expired ones included until they are purged).
    func count() async throws -> Int
}

/// In-memory sessions (one server process per workspace). Sessions last 12 hours from their
/// last use; restarting the server signs everyone out, which is acceptable for an office tool.
/// The table is bounded: expired sessions are purged, each person keeps at most
/// `perPerson` sessions and the whole table at most `capacity`; beyond that the least
/// recently used session goes.
public actor InMemorySessionStore: WebSessionStore {
    private var sessions: [String: WebSession] = [:]
    private let lifetime: TimeInterval
    private let capacity: Int
    private let perPerson: Int

    public init(lifetime: TimeInterval = 12 * 3600, capacity: Int = 1_000, perPerson: Int = 20) {
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
        self.perPerson = max(1, perPerson)
    }

    public func create(person: String, now: Date) -> (token: String, session: WebSession) {
        purgeExpired(now: now)
        let own = sessions.filter { $0.value.person == person }
        if own.count >= perPerson { evictLeastRecentlyUsed(among: own) }
        if sessions.count >= capacity { evictLeastRecentlyUsed(among: sessions) }
        let token = Token.make()
        let session = WebSession(person: person, csrf: Token.make(), expires: now.addingTimeInterval(lifetime), lastUsed: now)
        sessions[token] = session
        return (token, session)
    }

    public func session(_ token: String, now: Date) -> WebSession? {
        guard var session = sessions[token] else { return nil }
        guard session.expires > now else {
            sessions[token] = nil
            return nil
        }
        session.expires = now.addingTimeInterval(lifetime)
        session.lastUsed = now
        sessions[token] = session
        return session
    }

    public func remove(_ token: String) { sessions[token] = nil }

    public func count() -> Int { sessions.count }

    private func purgeExpired(now: Date) {
        sessions = sessions.filter { $0.value.expires > now }
    }

    private func evictLeastRecentlyUsed(among candidates: [String: WebSession]) {
        if let oldest = candidates.min(by: { $0.value.lastUsed < $1.value.lastUsed }) { sessions[oldest.key] = nil }
    }
}

/// Sessions in the tracker store (SQLite file or PostgreSQL): a restart of `serve`, or a second
/// `serve` on the same database, keeps people signed in. The store holds only the SHA-256 of
/// each token. Same lifetime and bounds as `InMemorySessionStore`; the database work runs off
/// the async executor (`Blocking`). It writes only to extend a session, at most once a minute.
///
/// A session read from the store is kept in memory (`SessionCache`) while the store's
/// `sessionsStamp` is unchanged: a request then needs no database access and no thread switch,
/// only one `stat`. Every removal, by any process on the store (a sign-out elsewhere, an expiry,
/// an eviction, a restore), changes the stamp and empties the cache, so the next request reads
/// the store again and a revoked session is refused at once. A store without a stamp
/// (PostgreSQL) is read on every request. A cached session past its expiry or due for its
/// write-back is read from the store again, as without the cache.
public struct StoredSessionStore: WebSessionStore {
    private let tracker: Tracker
    private let lifetime: TimeInterval
    private let capacity: Int
    private let perPerson: Int
    private let cache: SessionCache

    /// A session is extended (written back) only when its stored last use is at least this old:
    /// a minute, or a hundredth of a short lifetime. It may then end up to this much earlier
    /// than 12 hours after the very last request.
    var refreshInterval: TimeInterval { min(60, lifetime / 100) }

    public init(tracker: Tracker, lifetime: TimeInterval = 12 * 3600, capacity: Int = 1_000, perPerson: Int = 20) {
        self.tracker = tracker
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
        self.perPerson = max(1, perPerson)
        cache = SessionCache(capacity: self.capacity)
    }

    static func hash(_ token: String) -> String { Manifest.sha256(Array(token.utf8)) }

    public func create(person: String, now: Date) async throws -> (token: String, session: WebSession) {
        let token = Token.make()
        let session = WebSession(person: person, csrf: Token.make(), expires: now.addingTimeInterval(lifetime), lastUsed: now)
        let (tracker, capacity, perPerson) = (tracker, capacity, perPerson)
        try await Blocking.run {
            var held = try tracker.sessions()
            var gone = held.filter { $0.expires <= now }.map(\.tokenHash)
            held.removeAll { $0.expires <= now }
            func evictOldest(_ candidates: [StoredSession]) {
                guard let oldest = candidates.min(by: { $0.lastUsed < $1.lastUsed }) else { return }
                gone.append(oldest.tokenHash)
                held.removeAll { $0.tokenHash == oldest.tokenHash }
            }
            if held.filter({ $0.person == person }).count >= perPerson { evictOldest(held.filter { $0.person == person }) }
            if held.count >= capacity { evictOldest(held) }
            if !gone.isEmpty { try tracker.removeSessions(tokenHashes: gone) }
            try tracker.saveSession(
                StoredSession(tokenHash: Self.hash(token), person: person, csrf: session.csrf, expires: session.expires, lastUsed: now))
        }
        return (token, session)
    }

    public func session(_ token: String, now: Date) async throws -> WebSession? {
        let (tracker, lifetime, cache) = (tracker, lifetime, cache)
        let refresh = refreshInterval
        // The stamp is taken before the store is read: a removal committed after it changes it.
        let stamp = tracker.sessionsStamp()
        if let stamp, let held = cache.session(token, stamp: stamp),
            held.expires > now, now.timeIntervalSince(held.lastUsed) < refresh
        {
            return held
        }
        return try await Blocking.run { () -> WebSession? in
            let hash = Self.hash(token)
            guard var stored = try tracker.session(tokenHash: hash) else { return nil }
            guard stored.expires > now else {
                try tracker.removeSessions(tokenHashes: [hash])
                return nil
            }
            // Extending the session is a database write (a transaction of its own, waiting for the
            // write lock behind the ticks); once a minute is enough for a 12-hour lifetime.
            if now.timeIntervalSince(stored.lastUsed) >= refresh {
                stored.expires = now.addingTimeInterval(lifetime)
                stored.lastUsed = now
                try tracker.saveSession(stored)
            }
            let session = WebSession(person: stored.person, csrf: stored.csrf, expires: stored.expires, lastUsed: stored.lastUsed)
            if let stamp { cache.keep(session, token: token, stamp: stamp) }
            return session
        }
    }

    public func remove(_ token: String) async throws {
        let (tracker, cache) = (tracker, cache)
        cache.forget(token)
        try await Blocking.run { try tracker.removeSessions(tokenHashes: [Self.hash(token)]) }
    }

    public func count() async throws -> Int {
        let tracker = tracker
        return try await Blocking.run { try tracker.sessions().count }
    }
}

/// The sessions a `StoredSessionStore` read, by cookie token, valid while the store's
/// `sessionsStamp` is the one they were read under. Bounded: when full, it starts again empty.
final class SessionCache: Sendable {
    private struct State {
        var stamp: SessionsStamp?
        var sessions: [String: WebSession] = [:]
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// The session kept for `token`, if the store's stamp is still `stamp`; a changed stamp
    /// forgets every session.
    func session(_ token: String, stamp: SessionsStamp) -> WebSession? {
        state.withLock { state in
            guard state.stamp == stamp else {
                state.stamp = stamp
                state.sessions.removeAll()
                return nil
            }
            return state.sessions[token]
        }
    }

    /// Keeps a session read from the store under `stamp` (taken before the read); nothing is
    /// kept when the stamp has changed since.
    func keep(_ session: WebSession, token: String, stamp: SessionsStamp) {
        state.withLock { state in
            guard state.stamp == stamp else { return }
            if state.sessions.count >= capacity { state.sessions.removeAll() }
            state.sessions[token] = session
        }
    }

    func forget(_ token: String) { state.withLock { _ = $0.sessions.removeValue(forKey: token) } }
}
