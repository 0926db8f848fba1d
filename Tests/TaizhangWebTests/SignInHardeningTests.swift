import Foundation
import Hummingbird
import HummingbirdTesting
import TaizhangCore
import TaizhangTracker
import Testing

@testable import TaizhangWeb

/// Issue #18 items 4, 5 and 13 (404 headers); issue #16's unknown status and password policy.
@Suite struct SignInHardeningTests {
    /// #18.4: 1,000 wrong passwords for p13 locked out the real p13, and spraying the other ids
    /// from one address locked out the preparation team (scaled down here).
    @Test func guessingFromOneAddressDoesNotLockOutPeopleSigningInFromAnother() async throws {
        let f = try WebFixture().trustingTestAddresses()
        try await Application(router: f.router).test(.router) { client in
            var attacker = Browser(client, address: "10.0.0.66")
            var refused = 0
            for _ in 0..<30 {
                let status = try await attacker.signIn("p13", password: "wrong-guess").status
                #expect(status == .unauthorized || status == .tooManyRequests)
                if status == .tooManyRequests { refused += 1 }
            }
            #expect(refused > 0, "guessing is slowed down")
            for id in ["p01", "p02", "p03", "p04", "p05"] {
                _ = try await attacker.signIn(id, password: "wrong-guess")
            }
            var owner = Browser(client, address: "10.0.0.13")
            #expect(try await owner.signIn("p13").status == .seeOther)
            var preparation = Browser(client, address: "10.0.0.3")
            #expect(try await preparation.signIn("p03").status == .seeOther)
        }
    }

    @Test func aThrottledAttemptSaysWhenToTryAgain() async throws {
        // A fixed clock: on a loaded machine five bcrypt checks can outlast the 1 s back-off.
        let f = try WebFixture(now: { Date(timeIntervalSince1970: 1_417_000_000) })
        try await Application(router: f.router).test(.router) { client in
            var browser = Browser(client)
            for _ in 0..<5 { _ = try await browser.signIn("p13", password: "wrong-guess") }
            let response = try await browser.signIn("p13")
            #expect(response.status == .tooManyRequests)
            #expect(response.headers[.retryAfter] == "1")
            #expect(String(buffer: response.body).contains("请1 秒后再试"))
        }
    }

    /// Back-off, not a hard lock: the wait doubles, then passes; counters are forgotten.
    @Test func theBackOffDoublesAndEnds() async {
        let throttle = InMemorySignInThrottle()
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        for n in 0..<5 {
            #expect(await throttle.retryAfter(person: "p13", address: "a", now: t0) == nil, "free attempt \(n)")
            await throttle.recordFailure(person: "p13", address: "a", now: t0)
        }
        #expect(await throttle.retryAfter(person: "p13", address: "a", now: t0) == 1)
        #expect(await throttle.retryAfter(person: "p13", address: "b", now: t0) == nil, "another address is not slowed")
        await throttle.recordFailure(person: "p13", address: "a", now: t0.addingTimeInterval(1))
        #expect(await throttle.retryAfter(person: "p13", address: "a", now: t0.addingTimeInterval(1)) == 2)
        #expect(await throttle.retryAfter(person: "p13", address: "a", now: t0.addingTimeInterval(3)) == nil)
        #expect(await throttle.count() == 2)
        #expect(await throttle.retryAfter(person: "p13", address: "a", now: t0.addingTimeInterval(1 + 15 * 60)) == nil)
        #expect(await throttle.count() == 0, "counters are forgotten 15 minutes after their last failure")
    }

    /// #18.4: an unknown id answered in 1.5 ms, a known one in 82 ms: which ids exist showed.
    @Test func unknownAndKnownPersonIDsTakeTheSameTime() async throws {
        let f = try WebFixture().trustingTestAddresses()
        try await Application(router: f.router).test(.router) { client in
            // Interleaved, so that load from tests running alongside hits all three alike.
            var times: [String: [Double]] = [:]
            let kinds = ["known": ["p13", "p03"], "unknown": ["nobody", "x", "p9999"], "noAccount": ["p01", "p02", "p04"]]
            for round in 0..<7 {
                for (kind, ids) in kinds.sorted(by: { $0.key < $1.key }) {
                    let id = ids[round % ids.count] + (kind == "unknown" ? "\(round)" : "")
                    var browser = Browser(client, address: "10.1.\(round).\(kind)")
                    _ = try await browser.get("/login")
                    let start = ContinuousClock.now
                    let status = try await browser.post("/login", [("person", id), ("password", "wrong-guess")]).status
                    let elapsed = (ContinuousClock.now - start).components
                    times[kind, default: []].append(Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
                    #expect(status == .unauthorized)
                }
            }
            func median(_ kind: String) -> Double { let sorted = (times[kind] ?? [0]).sorted(); return sorted[sorted.count / 2] }
            let (known, unknown, noAccount) = (median("known"), median("unknown"), median("noAccount"))
            // The leak was 1.5 ms against 82 ms (a ratio of 0.02). Half was too tight on a loaded
            // two-core machine (0.48 seen with the same bcrypt work on both paths); a quarter still
            // fails by a factor of ten on the leak.
            #expect(unknown > known * 0.25, "unknown \(unknown) s vs known \(known) s")
            #expect(noAccount > known * 0.25, "no account \(noAccount) s vs known \(known) s")
        }
    }

    /// #18.5: 9,000 failed sign-ins with unique 60 KB person ids grew memory without bound.
    @Test func overlongIDsAreRefusedAndTheThrottleStaysSmall() async throws {
        let f = try WebFixture()
        try await Application(router: f.router).test(.router) { client in
            var browser = Browser(client)
            for n in 0..<50 {
                let id = String(repeating: "x", count: 60 * 1024 - 5) + String(format: "%05d", n)
                let response = try await browser.signIn(id, password: "wrong-guess")
                #expect(response.status == .badRequest)
            }
            for n in 0..<200 {
                let status = try await browser.signIn("id-\(n)", password: "wrong-guess").status
                #expect(status == .unauthorized || status == .tooManyRequests)
            }
        }
        // The address's counter, the free attempts' pairs, and a few more each time a wait ends.
        #expect(try await f.configuration.throttle.count() < 40)
    }

    @Test func theThrottleTableIsBounded() async {
        var policy = SignInThrottlePolicy()
        policy.capacity = 50
        let throttle = InMemorySignInThrottle(policy: policy)
        let now = Date()
        for n in 0..<200 { await throttle.recordFailure(person: "p\(n)", address: "10.0.\(n / 256).\(n % 256)", now: now) }
        #expect(await throttle.count() <= 50)
    }

    @Test func sessionsAreBoundedPerPersonAndInAllAndExpire() async {
        let store = InMemorySessionStore(lifetime: 3600, capacity: 10, perPerson: 3)
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        var tokens: [String] = []
        for n in 0..<5 { tokens.append(await store.create(person: "p13", now: t0.addingTimeInterval(Double(n))).token) }
        #expect(await store.count() == 3)
        #expect(await store.session(tokens[0], now: t0.addingTimeInterval(10)) == nil, "the least recently used went")
        #expect(await store.session(tokens[4], now: t0.addingTimeInterval(10)) != nil)
        for n in 0..<20 { _ = await store.create(person: "p\(n)", now: t0.addingTimeInterval(20)) }
        #expect(await store.count() == 10)
        _ = await store.create(person: "p13", now: t0.addingTimeInterval(20 + 3601))
        #expect(await store.count() == 1, "expired sessions are purged")
    }

    @Test func overlongFormFieldsAnswer400AndChangeNothing() async throws {
        let f = try WebFixture()
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            _ = try await lead.get("/items")
            let note = String(repeating: "注", count: 501)
            let response = try await lead.post("/items/tick", [("unit", "wutongshan"), ("item", "01.06"), ("note", note)])
            #expect(response.status == .badRequest)
            #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06")) == nil)
            let fine = try await lead.post("/items/tick", [("unit", "wutongshan"), ("item", "01.06"), ("note", String(note.dropLast()))])
            #expect(fine.status == .seeOther)
        }
    }

    /// #16: an unknown status value ticked the item.
    @Test func anUnknownStatusAnswers400AndChangesNothing() async throws {
        let f = try WebFixture()
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            _ = try await lead.get("/items")
            for bogus in ["done", "TICKED", "not-reviewed"] {
                let response = try await lead.post("/items/tick", [("unit", "wutongshan"), ("item", "01.06"), ("status", bogus)])
                #expect(response.status == .badRequest, "\(bogus)")
                #expect(String(buffer: response.body).contains("未知的状态"))
            }
            #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06")) == nil)
            #expect(try await lead.post("/items/tick", [("unit", "wutongshan"), ("item", "01.06"), ("status", "filed")]).status == .seeOther)
            #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .filed)
        }
    }

    /// #18.13: 404s lacked the security headers.
    @Test func errorResponsesCarryTheSecurityHeaders() async throws {
        let f = try WebFixture()
        try await Application(router: f.router).test(.router) { client in
            var browser = Browser(client)
            let missing = try await browser.get("/no-such-page")
            #expect(missing.status == .notFound)
            #expect(String(buffer: missing.body).contains("没有这个页面"))
            let huge = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: String(repeating: "a", count: 100 * 1024)))
            #expect(huge.status == .contentTooLarge)
            _ = try await browser.signIn("p13")
            let unit = try await browser.get("/units/nowhere")
            #expect(unit.status == .notFound)
            for response in [missing, huge, unit] {
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'none'") == true, "\(response.status)")
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(response.status)")
                #expect(response.headers[.cacheControl] == "no-store", "\(response.status)")
            }
        }
    }

    /// #16: the password policy was checked only by the command line.
    @Test func accountsEnforceThePasswordPolicy() throws {
        let f = try WebFixture()
        #expect(throws: Accounts.PasswordProblem.tooShort(minimum: 8)) { try Accounts.setPassword("short", person: "p13", tracker: f.tracker) }
        #expect(throws: Accounts.PasswordProblem.tooLong(maximumBytes: 72)) {
            try Accounts.setPassword(String(repeating: "密", count: 25), person: "p13", tracker: f.tracker)
        }
        #expect(throws: Accounts.PasswordProblem.blank) { try Accounts.setPassword("          ", person: "p13", tracker: f.tracker) }
        #expect(PasswordPolicy().problem(with: "Person-0001", person: "person-0001") == .sameAsPersonID)
        #expect(try Accounts.verify(WebFixture.password, person: "p13", tracker: f.tracker), "the old password still works")
        try Accounts.setPassword("a-good-passphrase", person: "p13", tracker: f.tracker)
        #expect(try Accounts.verify("a-good-passphrase", person: "p13", tracker: f.tracker))
    }
}
