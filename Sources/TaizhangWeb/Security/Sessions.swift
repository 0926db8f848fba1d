import Foundation

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

/// Where sessions live. In memory today; issue #14 moves them into the tracker store, which
/// then implements this protocol.
public protocol WebSessionStore: Sendable {
    func create(person: String, now: Date) async -> (token: String, session: WebSession)
    /// The session for a cookie token, extended by its lifetime; nil when unknown or expired.
    func session(_ token: String, now: Date) async -> WebSession?
    func remove(_ token: String) async
    /// How many sessions are held (expired ones included until they are purged).
    func count() async -> Int
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
