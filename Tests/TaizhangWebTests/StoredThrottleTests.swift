import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import TaizhangCore
import TaizhangTestSupport
import TaizhangTracker
import Testing

@testable import TaizhangWeb

/// #14 item 4: the sign-in throttle lives in the tracker store, so a restart of `serve`, or a
/// second `serve` on the same database, keeps the back-off. On SQLite, and on PostgreSQL when
/// `TAIZHANG_TEST_POSTGRES` names a server.
@Suite struct StoredThrottleTests {
    /// Where the web apps' tracker keeps its data: an SQLite file, or a street of its own on the
    /// test PostgreSQL server.
    enum Database: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres

        var testDescription: String { rawValue }

        static var available: [Database] {
            ProcessInfo.processInfo.environment["TAIZHANG_TEST_POSTGRES"].map { $0.isEmpty ? [.sqlite] : allCases } ?? [.sqlite]
        }
    }

    /// The clock every app of one test reads; the test moves it.
    final class Clock: Sendable {
        private let time = Mutex(Date(timeIntervalSince1970: 1_417_000_000))
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    /// Opens the same data again each time it is called, as a restarted or a second `serve` does.
    struct Opener {
        let workspace: Workspace
        let clock: Clock
        let open: () throws -> any TrackerStore

        init(_ database: Database, directory: String) throws {
            workspace = try #require(WorkspaceLoader(root: repository).load().validWorkspace)
            clock = Clock()
            switch database {
            case .sqlite:
                open = { try SQLiteTrackerStore(path: directory + "/tracker.sqlite") }
            case .postgres:
                let server = try #require(ProcessInfo.processInfo.environment["TAIZHANG_TEST_POSTGRES"])
                let scope = PostgresTrackerStore.Scope(street: "throttle-" + URL(fileURLWithPath: directory).lastPathComponent, year: 2014)
                open = { try PostgresTrackerStore(url: server, scope: scope) }
            }
        }

        /// A web app on a fresh opening of the data, with the throttle `serve` uses (the default).
        func app(packRoot: String) throws -> (router: Router<WebContext>, tracker: Tracker) {
            let clock = clock
            let tracker = Tracker(workspace: workspace, store: try open(), now: { clock.now })
            let templates = try TemplateSet(directory: Repository.templates, required: WebConfiguration.webTemplates)
            let configuration = WebConfiguration(tracker: tracker, templates: templates, packRoot: packRoot)
            #expect(configuration.throttle is StoredSignInThrottle)
            return (WebApp.router(configuration), tracker)
        }
    }

    static func signIn(_ router: Router<WebContext>, password: String) async throws -> TestResponse {
        try await Application(router: router).test(.router) { client in
            var browser = Browser(client)
            return try await browser.signIn("p13", password: password)
        }
    }

    @Test(arguments: Database.available) func failuresOnOneServerCountOnAnotherAndSurviveARestart(_ database: Database) async throws {
        let temporary = try TemporaryDirectory("throttle")
        let opener = try Opener(database, directory: temporary.path)
        let first = try opener.app(packRoot: temporary.path + "/pack")
        try Accounts.setPassword(WebFixture.password, person: "p13", tracker: first.tracker)
        let second = try opener.app(packRoot: temporary.path + "/pack")
        // Five failures, alternating between the two servers: the fifth starts the back-off on both.
        for n in 0..<5 {
            #expect(try await Self.signIn(n % 2 == 0 ? first.router : second.router, password: "wrong-guess").status == .unauthorized)
        }
        for server in [first, second, try opener.app(packRoot: temporary.path + "/pack")] {
            let refused = try await Self.signIn(server.router, password: WebFixture.password)
            #expect(refused.status == .tooManyRequests, "the right password waits its turn too, on every server and after a restart")
            #expect(refused.headers[.retryAfter] == "1")
        }
        // The wait passes: back-off, never a lock.
        opener.clock.advance(1)
        #expect(try await Self.signIn(second.router, password: WebFixture.password).status == .seeOther)
        #expect(try second.tracker.signInCounterCount() == 1, "the success cleared the pair; the address's count stays")
    }

    @Test(arguments: Database.available) func countersAreForgottenAfterFifteenMinutes(_ database: Database) async throws {
        let temporary = try TemporaryDirectory("throttle")
        let opener = try Opener(database, directory: temporary.path)
        let app = try opener.app(packRoot: temporary.path + "/pack")
        try Accounts.setPassword(WebFixture.password, person: "p13", tracker: app.tracker)
        for _ in 0..<5 { _ = try await Self.signIn(app.router, password: "wrong-guess") }
        #expect(try await Self.signIn(app.router, password: WebFixture.password).status == .tooManyRequests)
        opener.clock.advance(15 * 60)
        // A sixth failure would wait 2 s if the five were still counted; forgotten, it is the first again.
        #expect(try await Self.signIn(app.router, password: "wrong-guess").status == .unauthorized)
        #expect(try await Self.signIn(app.router, password: WebFixture.password).status == .seeOther)
        #expect(try app.tracker.signInCounterCount() == 1, "the forgotten counters were pruned by the new failure")
    }
}
