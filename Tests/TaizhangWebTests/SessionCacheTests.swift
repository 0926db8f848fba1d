import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TaizhangCore
import TaizhangTestSupport
import TaizhangTracker
import Testing

@testable import TaizhangWeb

/// #15 goal 4: a server keeps the sessions it read in memory, and still refuses a revoked one
/// on the very next request, whichever process revoked it.
@Suite struct SessionCacheTests {
    /// Another `serve` on the same database: its own store and its own session store.
    func secondProcess(_ f: WebFixture) throws -> (Tracker, StoredSessionStore) {
        let tracker = Tracker(workspace: f.tracker.workspace, store: try SQLiteTrackerStore(path: f.directory + "/tracker.sqlite"))
        return (tracker, StoredSessionStore(tracker: tracker))
    }

    @Test func aKeptSessionIsAnsweredFromMemoryUntilASignOutElsewhere() async throws {
        let f = try WebFixture()
        let store = StoredSessionStore(tracker: f.tracker)
        let start = Date(timeIntervalSince1970: 1_417_000_000)
        let (token, created) = try await store.create(person: "p13", now: start)
        #expect(try await store.session(token, now: start.addingTimeInterval(1))?.csrf == created.csrf)

        // The row changes in the database without a removal: the kept session is answered,
        // which shows the second request did not read the database.
        let hash = StoredSessionStore.hash(token)
        var row = try #require(try f.tracker.session(tokenHash: hash))
        row.csrf = "changed-in-the-database"
        try f.tracker.saveSession(row)
        #expect(try await store.session(token, now: start.addingTimeInterval(2))?.csrf == created.csrf)

        // Signed out by another process: refused at once.
        let (_, elsewhere) = try secondProcess(f)
        try await elsewhere.remove(token)
        #expect(try await store.session(token, now: start.addingTimeInterval(3)) == nil)
    }

    @Test func everyRemovalForgetsEveryKeptSessionAndTheOthersAreReadAgain() async throws {
        let f = try WebFixture()
        let store = StoredSessionStore(tracker: f.tracker)
        let start = Date(timeIntervalSince1970: 1_417_000_000)
        let (kept, _) = try await store.create(person: "p13", now: start)
        let (other, _) = try await store.create(person: "p03", now: start)
        #expect(try await store.session(kept, now: start) != nil)
        // An eviction, an expiry or a sign-out of someone else, in another process.
        let (tracker, _) = try secondProcess(f)
        try tracker.removeSessions(tokenHashes: [StoredSessionStore.hash(other)])
        // p13's session is read from the database again (and is still there).
        var row = try #require(try f.tracker.session(tokenHash: StoredSessionStore.hash(kept)))
        row.csrf = "read-again"
        try f.tracker.saveSession(row)
        #expect(try await store.session(kept, now: start.addingTimeInterval(1))?.csrf == "read-again")
        #expect(try await store.session(other, now: start.addingTimeInterval(1)) == nil)
    }

    @Test func aKeptSessionStillExpiresAndIsStillExtended() async throws {
        let f = try WebFixture()
        let store = StoredSessionStore(tracker: f.tracker, lifetime: 100)
        let start = Date(timeIntervalSince1970: 1_417_000_000)
        let (token, _) = try await store.create(person: "p13", now: start)
        #expect(try await store.session(token, now: start.addingTimeInterval(0.5)) != nil)
        // Due for its write-back (a hundredth of the lifetime): written, as without the cache.
        let extended = try #require(try await store.session(token, now: start.addingTimeInterval(1)))
        #expect(extended.expires == start.addingTimeInterval(101))
        #expect(try f.tracker.session(tokenHash: StoredSessionStore.hash(token))?.expires == start.addingTimeInterval(101))
        #expect(try await store.session(token, now: start.addingTimeInterval(1.5)) == extended)
        // Unused for its lifetime: gone, though it was kept.
        #expect(try await store.session(token, now: start.addingTimeInterval(101)) == nil)
        #expect(try f.tracker.session(tokenHash: StoredSessionStore.hash(token)) == nil)
    }

    /// Through the pages: signed in on one server, signed out on a second on the same
    /// database; the first refuses the cookie on the next request.
    @Test func aSignOutOnAnotherServerEndsTheSessionOnThisOneAtOnce() async throws {
        let f = try WebFixture()
        var first = f.configuration
        first.sessions = StoredSessionStore(tracker: f.tracker)
        let (tracker, sessions) = try secondProcess(f)
        var second = f.configuration
        second.tracker = tracker
        second.sessions = sessions
        // One router (and its kept sessions) for both visits to the first server.
        let firstRouter = WebApp.router(first)
        let cookies = try await Application(router: firstRouter).test(.router) { one in
            var browser = Browser(one)
            let signedIn = try await browser.signIn("p13")
            let page = try await browser.get("/items")
            let again = try await browser.get("/items")
            #expect(signedIn.status == .seeOther && page.status == .ok && again.status == .ok)
            return browser.cookies
        }
        try await Application(router: WebApp.router(second)).test(.router) { two in
            var elsewhere = Browser(two)
            elsewhere.cookies = cookies
            let page = try await elsewhere.get("/items")
            let signedOut = try await elsewhere.post("/logout", [])
            #expect(page.status == .ok && signedOut.status == .seeOther)
        }
        try await Application(router: firstRouter).test(.router) { one in
            var browser = Browser(one)
            browser.cookies = cookies
            let page = try await browser.get("/items")
            #expect(page.status == .seeOther && page.headers[.location] == "/login")
        }
    }
}
