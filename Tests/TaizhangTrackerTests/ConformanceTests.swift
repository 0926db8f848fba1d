import Foundation
import NIOSSL
import Synchronization
import TaizhangCore
import Testing

@testable import TaizhangTracker

/// What every store must do beyond the rules: the same named migrations, an audit trail that
/// only grows, and writers in two processes that both land.
@Suite struct StoreConformanceTests {
    @Test(arguments: Backend.available) func theMigrationsAreNamedVersionedAndTheSameEverywhere(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        #expect(
            try f.store.appliedMigrations() == [
                "v1: items, events, tasks", "v2: web accounts", "v3: evidence scans", "v4: mock cases and rates", "v5: web sessions",
                "v6: sign-in throttle",
            ])
        // Opening again migrates nothing twice.
        #expect(try f.secondStore().appliedMigrations() == f.store.appliedMigrations())
    }

    @Test(arguments: Backend.available) func eventsOnlyGrowInOrderAndKeepWhatTheySaid(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13", status: .filed)
        let first = try f.tracker.events()
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        try f.tracker.untick(item: "01.06", unit: "wutongshan", by: "p13")
        _ = try? f.tracker.tick(item: "01.06", unit: "dawang", by: "p13")  // refused, and logged
        let all = try f.tracker.events()
        #expect(Array(all.prefix(first.count)) == first)
        #expect(all.map(\.id) == all.map(\.id).sorted() && Set(all.map(\.id)).count == all.count)
        #expect(all.map(\.kind) == [.item, .item, .item, .refusal])
        #expect(try f.tracker.events(EventFilter(limit: 2)) == Array(all.suffix(2)))
        #expect(try f.tracker.events(EventFilter(unit: "dawang")).map(\.kind) == [.refusal])
    }

    /// One unit's records, as the items page reads them: the same as filtering all records.
    @Test(arguments: Backend.available) func oneUnitsRecordsAreThoseOfAllRecordsInThatUnit(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        try f.tracker.tick(item: "01.07", unit: "wutongshan", by: "p03", status: .filed, note: "柜子")
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p03")
        try f.tracker.tick(item: "01.06", unit: "dawang", by: "p03", status: .notApplicable, note: "无")
        let all = try f.tracker.items()
        #expect(try f.tracker.items(units: ["wutongshan"]) == all.filter { $0.key.unit == "wutongshan" })
        #expect(try f.tracker.items(units: ["wutongshan"]).map(\.key.item) == ["01.06", "01.07"])
        #expect(try f.tracker.items(units: ["wutongshan", "dawang"]) == all)
        #expect(try f.tracker.items(units: ["nowhere"]).isEmpty)
    }

    /// Web sessions, by the hash of their token: what one process saves, another reads.
    @Test(arguments: Backend.available) func sessionsAreSharedUpdatedAndRemoved(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        let other = Tracker(workspace: f.workspace, store: try f.secondStore())
        var session = StoredSession(tokenHash: "ab12", person: "p13", csrf: "c1", expires: f.clock.addingTimeInterval(3600), lastUsed: f.clock)
        try f.tracker.saveSession(session)
        #expect(try other.session(tokenHash: "ab12") == session)
        session.expires = f.clock.addingTimeInterval(7200)
        try other.saveSession(session)
        #expect(try f.tracker.sessions() == [session])
        try f.tracker.removeSessions(tokenHashes: ["ab12", "unknown"])
        #expect(try other.session(tokenHash: "ab12") == nil && other.sessions().isEmpty)
    }

    /// A new password signs that person out everywhere, in every process, and nobody else.
    @Test(arguments: Backend.available) func aNewPasswordEndsThatPersonsSessionsOnly(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        let other = Tracker(workspace: f.workspace, store: try f.secondStore())
        let later = f.clock.addingTimeInterval(3600)
        let p13a = StoredSession(tokenHash: "aa", person: "p13", csrf: "c1", expires: later, lastUsed: f.clock)
        let p13b = StoredSession(tokenHash: "bb", person: "p13", csrf: "c2", expires: later, lastUsed: f.clock)
        let p03 = StoredSession(tokenHash: "cc", person: "p03", csrf: "c3", expires: later, lastUsed: f.clock)
        for session in [p13a, p13b, p03] { try other.saveSession(session) }
        let stamp = other.sessionsStamp()
        #expect(try f.tracker.setPasswordHash("$2b$hash", person: "p13", at: f.clock) == 2)
        #expect(try other.sessions() == [p03])
        #expect(try other.session(tokenHash: "aa") == nil && other.session(tokenHash: "bb") == nil)
        #expect(try other.passwordHash(person: "p13") == "$2b$hash")
        if backend != .postgres { #expect(other.sessionsStamp() != stamp) }  // servers drop what they kept
        #expect(try f.tracker.setPasswordHash("$2b$again", person: "p13", at: f.clock) == 0)
        #expect(try other.sessions() == [p03])
    }

    /// #15 goal 4: a server keeps the sessions it read while this stamp holds. A removal in
    /// any process changes it; ticks and saved sessions (the once-a-minute write-back) do not,
    /// or the stamp would change on every request. PostgreSQL has none: it is read each time.
    @Test(arguments: Backend.available) func theSessionsStampChangesOnEveryRemovalInAnyProcess(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        let other = Tracker(workspace: f.workspace, store: try f.secondStore())
        guard let start = f.tracker.sessionsStamp() else {
            #expect(backend == .postgres)
            return
        }
        #expect(backend != .postgres)
        let session = StoredSession(tokenHash: "ab12", person: "p13", csrf: "c1", expires: f.clock.addingTimeInterval(3600), lastUsed: f.clock)
        try other.saveSession(session)
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        _ = try other.session(tokenHash: "ab12")
        #expect(f.tracker.sessionsStamp() == start && other.sessionsStamp() == start)
        try other.removeSessions(tokenHashes: ["ab12"])
        let afterOne = try #require(f.tracker.sessionsStamp())
        #expect(afterOne != start && other.sessionsStamp() == afterOne)
        // Even a removal that finds nothing counts, and so does each one after it.
        try f.tracker.removeSessions(tokenHashes: ["unknown"])
        #expect(other.sessionsStamp() != afterOne)
    }

    /// The sign-in throttle's counters: what one process counts, another reads; a counter last
    /// failed `forgetAfter` ago starts again; forgotten and surplus counters are pruned on write.
    @Test(arguments: Backend.available) func signInCountersAreSharedRestartAndStayBounded(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        let other = Tracker(workspace: f.workspace, store: try f.secondStore())
        let t0 = f.clock, forget: TimeInterval = 900
        func counters(_ tracker: Tracker, _ keys: [String]) throws -> [String: SignInCounter] {
            Dictionary(uniqueKeysWithValues: try tracker.signInCounters(keys: keys).map { ($0.key, $0) })
        }
        for n in 0..<3 {
            try (n % 2 == 0 ? f.tracker : other).recordSignInFailure(keys: ["pair", "address"], at: t0.addingTimeInterval(Double(n)), forgetAfter: forget, capacity: 10)
        }
        var seen = try counters(other, ["pair", "address", "unknown"])
        #expect(seen["pair"] == SignInCounter(key: "pair", failures: 3, last: t0.addingTimeInterval(2)))
        #expect(seen["address"]?.failures == 3 && seen.count == 2)
        // Forgotten: the next failure counts from 1 again.
        try other.recordSignInFailure(keys: ["pair"], at: t0.addingTimeInterval(2 + forget), forgetAfter: forget, capacity: 10)
        seen = try counters(f.tracker, ["pair", "address"])
        #expect(seen["pair"]?.failures == 1)
        #expect(seen["address"] == nil, "the forgotten address counter was pruned by that write")
        // Bounded: the least recently failed go first, never the keys just counted.
        let later = t0.addingTimeInterval(3 + forget)
        for n in 0..<12 {
            try f.tracker.recordSignInFailure(keys: ["k\(n)"], at: later.addingTimeInterval(Double(n)), forgetAfter: forget, capacity: 5)
        }
        #expect(try other.signInCounterCount() == 5)
        #expect(try counters(other, (0..<12).map { "k\($0)" }).keys.sorted() == ["k10", "k11", "k7", "k8", "k9"])
        try other.removeSignInCounters(keys: ["k11", "k9", "unknown"])
        #expect(try f.tracker.signInCounterCount() == 3)
        #expect(try f.tracker.signInCounters(keys: []).isEmpty)
    }

    /// Two processes (two stores on the same data) tick different items at the same time:
    /// every tick lands and the audit trail has one event per tick.
    @Test(arguments: Backend.available) func twoWritersAtOnceLoseNothing(_ backend: Backend) throws {
        let f = try TrackerFixture(backend)
        let second = Tracker(workspace: f.workspace, store: try f.secondStore())
        let trackers = [f.tracker, second]
        let items = try #require(f.tracker.plan.unit(id: "wutongshan")).items.map(\.item.code).prefix(20)
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            let code = items[items.startIndex + index]
            do { try trackers[index % 2].tick(item: code, unit: "wutongshan", by: "p03") } catch { failures.withLock { $0.append("\(error)") } }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(try f.tracker.items().filter { $0.status == .ticked }.count == items.count)
        #expect(try second.events(EventFilter(kind: .item)).count == items.count)
    }
}

/// PostgreSQL's own guarantees: the trigger, and streets apart in one database.
@Suite(.enabled(if: Backend.postgresServer.server != nil, "needs TAIZHANG_TEST_POSTGRES (.ci/run starts a server)"))
struct PostgresStoreTests {
    @Test func theAuditTrailCannotBeRewrittenInTheDatabase() throws {
        let f = try TrackerFixture(.postgres)
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        let store = try #require(f.store as? PostgresTrackerStore)
        let street = store.scope.street
        for statement in ["UPDATE event SET actor = 'x' WHERE street = '\(street)'", "DELETE FROM event WHERE street = '\(street)'", "TRUNCATE event CASCADE"] {
            let error = #expect(throws: PostgresTrackerStore.QueryError.self) { try store.execute(unsafe: statement) }
            #expect(error?.message == "the audit trail is append-only", "\(statement)")
        }
        #expect(try f.tracker.events().count == 1)
    }

    /// A district's server offers TLS: `.ci/run` gives the test server a certificate for
    /// 127.0.0.1 signed by a throwaway authority, whose certificate `TAIZHANG_TEST_POSTGRES_CA`
    /// names. Every sslmode that asks for TLS connects, the connection is encrypted, and the
    /// tracker works through it; `verify-full` checks the certificate against that authority.
    @Test(.enabled(if: Backend.postgresAuthority != nil, "needs TAIZHANG_TEST_POSTGRES_CA (.ci/run sets it)"))
    func everySSLModeConnectsEncryptedToAServerWithTLS() throws {
        let f = try TrackerFixture(.postgres)
        let server = try Backend.server(), authority = try #require(Backend.postgresAuthority)
        let street = try #require(f.store as? PostgresTrackerStore).scope.street
        for (n, settings) in ["sslmode=require", "sslmode=verify-ca&sslrootcert=\(authority)", "sslmode=verify-full&sslrootcert=\(authority)"].enumerated() {
            let store = try PostgresTrackerStore(url: server + "?" + settings, scope: .init(street: street + "-tls\(n)", year: 2014), patience: 5)
            try store.execute(
                unsafe: "DO $$ BEGIN IF NOT (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) THEN RAISE EXCEPTION 'not encrypted'; END IF; END $$")
            try Tracker(workspace: f.workspace, store: store).tick(item: "01.06", unit: "wutongshan", by: "p13")
            #expect(try store.items().map(\.key.item) == ["01.06"], "\(settings)")
        }
    }

    /// A certificate from an authority this computer does not know (`verify-full` without
    /// `sslrootcert`) is a setting to change, said in words, not a server that is away.
    @Test(.enabled(if: Backend.postgresAuthority != nil, "needs TAIZHANG_TEST_POSTGRES_CA (.ci/run sets it)"))
    func aCertificateFromAnUnknownAuthorityIsAClearError() throws {
        let server = try Backend.server()
        let error = #expect(throws: PostgresTrackerStore.OpenError.self) {
            _ = try PostgresTrackerStore(url: server + "?sslmode=verify-full", scope: .init(street: "tls-untrusted", year: 2014), patience: 5)
        }
        #expect(
            error?.message
                == "the server's TLS certificate could not be verified (an authority this computer does not trust, or out of date), which sslmode=verify-full checks: "
                + "name the authority's certificate with sslrootcert=FILE in the address, or renew the server's", "\(String(describing: error))")
    }

    @Test func streetsAndYearsAreKeptApartInOneDatabase() throws {
        let f = try TrackerFixture(.postgres)
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        let store = try #require(f.store as? PostgresTrackerStore)
        let server = try Backend.server()
        let nextYear = try PostgresTrackerStore(url: server, scope: .init(street: store.scope.street, year: 2015))
        let otherStreet = try PostgresTrackerStore(url: server, scope: .init(street: store.scope.street + "-b", year: 2014))
        for other in [nextYear, otherStreet] {
            #expect(try other.items().isEmpty && other.events(EventFilter()).isEmpty && other.tasks().isEmpty)
        }
        try Tracker(workspace: f.workspace, store: otherStreet).tick(item: "01.07", unit: "wutongshan", by: "p13")
        #expect(try f.tracker.items().map(\.key.item) == ["01.06"])
    }

}

/// Needs no server: nothing listens on port 1.
@Suite struct PostgresUnreachableTests {
    @Test(arguments: ["sslmode=on", "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem", "connect_timeout=5"])
    func aWrongTLSSettingIsRefusedBeforeConnecting(_ settings: String) throws {
        let error = #expect(throws: PostgresTrackerStore.OpenError.self) {
            _ = try PostgresTrackerStore(url: "postgres://postgres@127.0.0.1:1/none?" + settings, scope: .init(street: "x", year: 2014), patience: 3)
        }
        #expect(error?.server == "postgres://postgres@127.0.0.1:1/none", "no settings or password in what is shown")
        #expect(
            error?.message.contains(settings.hasPrefix("sslmode=on") ? "is not one of disable, require, verify-ca, verify-full" : settings.hasPrefix("connect") ? "unknown setting" : "cannot read")
                == true)
    }

    /// TLS is asked for with `sslmode` in the address; a server that offers none (a stand-in
    /// that answers PostgreSQL's TLS request with "N") is a clear error, not a plain-text
    /// connection.
    @Test func sslmodeRequireAgainstAServerWithoutTLSIsAClearError() throws {
        let stand = try ServerWithoutTLS()
        let error = #expect(throws: PostgresTrackerStore.OpenError.self) {
            _ = try PostgresTrackerStore(url: "postgres://postgres@127.0.0.1:\(stand.port)/none?sslmode=require", scope: .init(street: "tls", year: 2014), patience: 3)
        }
        #expect(error?.message.hasPrefix("the server does not offer TLS, which sslmode=require demands") == true, "\(String(describing: error))")
    }

    /// A certificate not issued for the name (or address) connected to: NIOSSL's refusal in
    /// words. (The test server's certificate names 127.0.0.1, and NIOSSL also accepts it by
    /// any name that leads there, so this case is not made against it.)
    @Test func aCertificateForAnotherNameIsAClearError() {
        #expect(
            PostgresConnectionPool.tlsRefusal(NIOSSLExtraError.failedToValidateHostname, host: "10.0.0.5", mode: "verify-full")
                == "the server's TLS certificate is not issued for 10.0.0.5, which sslmode=verify-full checks: "
                + "connect with a name the certificate gives, or use sslmode=verify-ca")
        #expect(PostgresConnectionPool.tlsRefusal(NIOSSLError.uncleanShutdown, host: "10.0.0.5", mode: "require") == nil)
        #expect(PostgresConnectionPool.tlsRefusal(nil, host: "10.0.0.5", mode: "require") == nil)
    }

    @Test func anUnreachableServerIsAClearErrorNotAHang() throws {
        let started = Date()
        let error = #expect(throws: PostgresTrackerStore.Unavailable.self) {
            _ = try PostgresTrackerStore(url: "postgres://postgres@127.0.0.1:1/none", scope: .init(street: "x", year: 2014), patience: 3)
        }
        #expect(error?.description.hasPrefix("the PostgreSQL server postgres://postgres@127.0.0.1:1/none is not available") == true)
        #expect(Date().timeIntervalSince(started) < 10)
    }
}

/// A listener on 127.0.0.1 that answers every PostgreSQL TLS request (eight bytes) with "N",
/// as a server without TLS does, then waits for the client to hang up.
private final class ServerWithoutTLS: @unchecked Sendable {
    let port: Int
    private let listener: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        listener = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound && listen(fd, 8) == 0)
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread {
            while true {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else {
                    // Shut down by deinit: closed here, so that its number is not reused by
                    // another test while this thread may still accept on it.
                    close(fd)
                    return
                }
                var request = [UInt8](repeating: 0, count: 8)
                if recv(connection, &request, 8, Int32(MSG_WAITALL)) == 8 { _ = send(connection, "N", 1, 0) }
                var rest = [UInt8](repeating: 0, count: 64)
                while recv(connection, &rest, rest.count, 0) > 0 {}
                close(connection)
            }
        }.start()
    }

    deinit { shutdown(listener, Int32(SHUT_RDWR)) }
}
