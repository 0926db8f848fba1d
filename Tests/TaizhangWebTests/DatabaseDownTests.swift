import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TaizhangCore
import TaizhangTestSupport
import TaizhangTracker
import Testing

@testable import TaizhangWeb

/// A tracker store whose server went away: every call fails as PostgreSQL's store does then.
struct UnreachableStore: TrackerStore {
    var down: PostgresTrackerStore.Unavailable { .init(server: "postgres://taizhang@db.example:5432/district", reason: "connection refused") }
    var isReadOnly: Bool { false }
    func appliedMigrations() throws -> [String] { throw down }
    func items() throws -> [ItemRecord] { throw down }
    func update(_ key: ItemKey, _ decide: (ItemRecord?) throws -> ItemChange?) throws -> TrackerEvent? { throw down }
    func update(_ keys: [ItemKey], _ decide: (ItemKey, ItemRecord?) throws -> ItemChange?) throws -> [TrackerEvent] { throw down }
    func append(_ event: TrackerEvent) throws { throw down }
    func events(_ filter: EventFilter) throws -> [TrackerEvent] { throw down }
    func seedTasks(_ tasks: [TaskRecord]) throws { throw down }
    func tasks() throws -> [TaskRecord] { throw down }
    func setTask(_ id: String, state: TaskState, actor: String, at: Date, note: String?) throws -> TrackerEvent? { throw down }
    func documents(units: Set<String>?) throws -> [DocumentRecord] { throw down }
    func recordScan(
        at: Date, scope: String?, files: Int, upserts: [DocumentRecord], removed: [String], changes: [ScanChange], hashed: Int
    ) throws -> ScanRecord { throw down }
    func scans() throws -> [ScanRecord] { throw down }
    func changes(scan: Int64) throws -> [ScanChange] { throw down }
    func mockMeasures() throws -> [MockMeasure] { throw down }
    func setMockMeasure(_ measure: MockMeasure) throws { throw down }
    func passwordHash(person: String) throws -> String? { throw down }
    func setPasswordHash(_ hash: String, person: String, at: Date) throws { throw down }
    func saveSession(_ session: StoredSession) throws { throw down }
    func session(tokenHash: String) throws -> StoredSession? { throw down }
    func removeSessions(tokenHashes: [String]) throws { throw down }
    func sessions() throws -> [StoredSession] { throw down }
    func signInCounters(keys: [String]) throws -> [SignInCounter] { throw down }
    func recordSignInFailure(keys: [String], at: Date, forgetAfter: TimeInterval, capacity: Int) throws { throw down }
    func removeSignInCounters(keys: [String]) throws { throw down }
    func signInCounterCount() throws -> Int { throw down }
}

@Suite struct DatabaseDownTests {
    /// #14 item 6: the database server down is a 503 with a page saying so, not a 500.
    @Test func aDatabaseServerThatIsDownAnswers503WithRetryAfter() async throws {
        let workspace = try #require(WorkspaceLoader(root: repository).load().validWorkspace)
        let templates = try TemplateSet(directory: Repository.templates, required: WebConfiguration.webTemplates)
        let temporary = try TemporaryDirectory("web-down")
        let configuration = WebConfiguration(
            tracker: Tracker(workspace: workspace, store: UnreachableStore()), templates: templates, packRoot: temporary.path + "/pack")
        try await Application(router: WebApp.router(configuration)).test(.router) { client in
            var browser = Browser(client)
            _ = try await browser.get("/login")
            let response = try await browser.post("/login", [("person", "p13"), ("password", "password-1")])
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "30")
            #expect(String(buffer: response.body).contains("台账数据库暂时无法连接"))
        }
    }
}

/// #14 item 5: sessions in the tracker's database survive a restart of the server.
@Suite struct StoredSessionTests {
    @Test func aSessionMadeByOneServerWorksOnAnotherOnTheSameDatabase() async throws {
        let f = try WebFixture()
        var first = f.configuration
        first.sessions = StoredSessionStore(tracker: f.tracker)
        let cookie = try await Application(router: WebApp.router(first)).test(.router) { client in
            var browser = Browser(client)
            _ = try await browser.get("/login")
            let response = try await browser.post("/login", [("person", "p13"), ("password", WebFixture.password)])
            #expect(response.status == .seeOther)
            return browser.cookies
        }
        // A second process: its own store on the same file, its own session store.
        let workspace = f.tracker.workspace
        let restarted = Tracker(workspace: workspace, store: try SQLiteTrackerStore(path: f.directory + "/tracker.sqlite"))
        var second = f.configuration
        second.tracker = restarted
        second.sessions = StoredSessionStore(tracker: restarted)
        try await Application(router: WebApp.router(second)).test(.router) { client in
            var browser = Browser(client)
            browser.cookies = cookie
            let page = try await browser.get("/")
            #expect(page.status == .ok)
            var stranger = Browser(client)
            #expect(try await stranger.get("/").status == .seeOther)
        }
        // Only the token's hash is stored.
        let tokens = cookie.values.filter { $0.count == 64 }
        let stored = try restarted.sessions().map(\.tokenHash)
        #expect(!tokens.isEmpty && stored.count == 1 && !tokens.contains(stored[0]))
    }
}

/// #15 item 4: reading a session is not a database write on every request; the session is
/// extended at most once a minute, and still expires.
@Suite struct StoredSessionWriteBackTests {
    @Test func aSessionIsWrittenBackOnlyWhenItsLastUseIsAMinuteOld() async throws {
        let f = try WebFixture()
        let store = StoredSessionStore(tracker: f.tracker, lifetime: 12 * 3600)
        let start = Date(timeIntervalSince1970: 1_417_000_000)
        let (token, _) = try await store.create(person: "p13", now: start)
        let hash = StoredSessionStore.hash(token)

        let soon = try #require(try await store.session(token, now: start.addingTimeInterval(59)))
        #expect(soon.person == "p13")
        #expect(try f.tracker.session(tokenHash: hash)?.lastUsed == start)
        #expect(try f.tracker.session(tokenHash: hash)?.expires == start.addingTimeInterval(12 * 3600))

        let later = start.addingTimeInterval(60)
        let extended = try #require(try await store.session(token, now: later))
        #expect(extended.expires == later.addingTimeInterval(12 * 3600))
        #expect(try f.tracker.session(tokenHash: hash)?.lastUsed == later)
        #expect(try f.tracker.session(tokenHash: hash)?.expires == later.addingTimeInterval(12 * 3600))

        // Unused for its lifetime: gone, however often it was read within a minute before.
        #expect(try await store.session(token, now: later.addingTimeInterval(12 * 3600)) == nil)
        #expect(try f.tracker.session(tokenHash: hash) == nil)
    }

    @Test func aShortLifetimeRefreshesInAHundredthOfIt() async throws {
        let f = try WebFixture()
        let store = StoredSessionStore(tracker: f.tracker, lifetime: 100)
        let start = Date(timeIntervalSince1970: 1_417_000_000)
        let (token, _) = try await store.create(person: "p13", now: start)
        for second in stride(from: 1.0, through: 150, by: 1) {
            #expect(try await store.session(token, now: start.addingTimeInterval(second)) != nil, "\(second)")
        }
    }
}
