import Foundation

/// A signed-in person's session: the cookie token maps to the person and the CSRF token that
/// every form of theirs must carry.
public struct WebSession: Sendable, Equatable {
    public var person: String
    public var csrf: String
    public var expires: Date
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

/// In-memory sessions (one server process per workspace). Sessions last 12 hours from their
/// last use; restarting the server signs everyone out, which is acceptable for an office tool.
public actor SessionStore {
    private var sessions: [String: WebSession] = [:]
    private let lifetime: TimeInterval

    public init(lifetime: TimeInterval = 12 * 3600) { self.lifetime = lifetime }

    public func create(person: String, now: Date) -> (token: String, session: WebSession) {
        let token = Token.make()
        let session = WebSession(person: person, csrf: Token.make(), expires: now.addingTimeInterval(lifetime))
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
        sessions[token] = session
        return session
    }

    public func remove(_ token: String) { sessions[token] = nil }
}

/// Slows down password guessing: after `limit` failures for an account (or from one address)
/// within `window`, further attempts are refused until the window has passed.
public actor LoginThrottle {
    private var failures: [String: [Date]] = [:]
    let limit: Int
    let window: TimeInterval

    public init(limit: Int = 5, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    public func isBlocked(_ keys: [String], now: Date) -> Bool {
        keys.contains { key in
            let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
            failures[key] = recent.isEmpty ? nil : recent
            return recent.count >= limit
        }
    }

    public func recordFailure(_ keys: [String], now: Date) {
        for key in keys { failures[key, default: []].append(now) }
    }

    public func reset(_ keys: [String]) {
        for key in keys { failures[key] = nil }
    }
}
