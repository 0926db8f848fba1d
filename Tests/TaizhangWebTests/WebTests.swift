import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TaizhangCore
import TaizhangTestSupport
import TaizhangTracker
import Testing

@testable import TaizhangWeb

let repository = Repository.root

/// The shipped workspace with a fresh tracker database and two accounts:
/// p13 (梧桐山 community lead) and p03 (preparation team), password "password-1".
final class WebFixture: @unchecked Sendable {
    let temporary: TemporaryDirectory
    var directory: String { temporary.path }
    let tracker: Tracker
    var configuration: WebConfiguration
    static let password = "password-1"

    init(now: @escaping @Sendable () -> Date = { Date() }) throws {
        temporary = try TemporaryDirectory("web")
        let workspace = try #require(WorkspaceLoader(root: repository).load().validWorkspace)
        let store = try SQLiteTrackerStore(path: temporary.path + "/tracker.sqlite")
        tracker = Tracker(workspace: workspace, store: store, now: now)
        try tracker.seedTasks()  // as `taizhang serve` does on start
        let templates = try TemplateSet(directory: Repository.templates, required: WebConfiguration.webTemplates)
        configuration = WebConfiguration(tracker: tracker, templates: templates, packRoot: temporary.path + "/pack")
        for person in ["p13", "p03"] { try Accounts.setPassword(Self.password, person: person, tracker: tracker) }
    }

    /// Router tests have no socket address: tests that need several machines name them in
    /// this header, which the configuration is told to trust.
    static let addressHeader = "X-Test-Address"

    func trustingTestAddresses() -> WebFixture {
        configuration.clientAddress = .header(Self.addressHeader)
        return self
    }

    var router: Router<WebContext> { WebApp.router(configuration) }
}

/// A browser-like client: remembers cookies and the last page's CSRF token.
struct Browser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var csrf: String?
    /// Sent as `X-Test-Address` (see `WebFixture.addressHeader`), as if from that machine.
    var address: String?

    init(_ client: any TestClientProtocol, address: String? = nil) {
        self.client = client
        self.address = address
    }

    var headers: HTTPFields {
        var fields: HTTPFields = [.cookie: cookieHeader]
        if let address { fields[HTTPField.Name(WebFixture.addressHeader)!] = address }
        return fields
    }

    var cookieHeader: String { cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

    mutating func remember(_ response: TestResponse) {
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            if pair.count == 2 { cookies[String(pair[0])] = String(pair[1]) }
        }
        let body = String(buffer: response.body)
        if let range = body.range(of: "name=\"csrf\" value=\"") {
            csrf = String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    mutating func get(_ uri: String) async throws -> TestResponse {
        let response = try await client.execute(uri: uri, method: .get, headers: headers, body: nil)
        remember(response)
        return response
    }

    mutating func post(_ uri: String, _ fields: [(String, String)], csrf withToken: Bool = true) async throws -> TestResponse {
        var all = fields
        if withToken, let csrf { all.insert(("csrf", csrf), at: 0) }
        let body = all.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        var fields = headers
        fields[.contentType] = "application/x-www-form-urlencoded"
        let response = try await client.execute(uri: uri, method: .post, headers: fields, body: ByteBuffer(string: body))
        remember(response)
        return response
    }

    mutating func signIn(_ person: String, password: String = WebFixture.password) async throws -> TestResponse {
        _ = try await get("/login")
        return try await post("/login", [("person", person), ("password", password)])
    }
}

@Suite struct WebRouterTests {
    @Test func everyPageNeedsASignedInPerson() async throws {
        let f = try WebFixture()
        try await Application(router: f.router).test(.router) { client in
            for uri in [
                "/", "/items", "/items?unit=dawang", "/tasks", "/log", "/units/wutongshan", "/units/wutongshan/index.html",
                "/groups/g1/duban", "/items/wutongshan/01.06", "/log.csv", "/items?scope=all", "/units/wutongshan/zip",
                "/units/wutongshan/pdf", "/units/wutongshan/pdf?what=checklists",
            ] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .seeOther, "\(uri)")
                #expect(response.headers[.location] == "/login", "\(uri)")
            }
            for uri in ["/items/tick", "/items/untick", "/items/bulk", "/tasks/done", "/tasks/reopen", "/tasks/block", "/upload", "/logout"] {
                let response = try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: "unit=wutongshan&item=01.06"))
                #expect(response.status == .seeOther, "\(uri)")
            }
            #expect(try f.tracker.events(EventFilter()).filter { $0.kind == .item }.isEmpty)
        }
    }

    @Test func signInSetsAnHttpOnlySameSiteCookieAndWrongPasswordsAreThrottled() async throws {
        // A fixed clock, so the back-off cannot run out while a loaded machine checks passwords.
        let f = try WebFixture(now: { Date(timeIntervalSince1970: 1_417_000_000) })
        try await Application(router: f.router).test(.router) { client in
            var browser = Browser(client)
            let ok = try await browser.signIn("p13")
            #expect(ok.status == .seeOther && ok.headers[.location] == "/")
            let cookie = try #require(ok.headers[values: .setCookie].first { $0.hasPrefix("taizhang_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            #expect(try await browser.get("/").status == .ok)

            var attacker = Browser(client)
            for _ in 0..<5 {
                #expect(try await attacker.signIn("p03", password: "guess-guess").status == .unauthorized)
            }
            #expect(try await attacker.signIn("p03").status == .tooManyRequests)
            #expect(try await attacker.signIn("nobody", password: "whatever1").status == .unauthorized)
        }
    }

    @Test func theSignInFormNeedsItsCSRFToken() async throws {
        let f = try WebFixture()
        try await Application(router: f.router).test(.router) { client in
            var browser = Browser(client)
            _ = try await browser.get("/login")
            let forged = try await browser.post("/login", [("person", "p13"), ("password", WebFixture.password)], csrf: false)
            #expect(forged.status == .forbidden)
        }
    }

    @Test func aLeadTicksAnItemWithANoteAndSeesItOnTheDashboardAndInTheLog() async throws {
        let f = try WebFixture()
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            let items = try await lead.get("/items")
            #expect(items.status == .ok)
            #expect(String(buffer: items.body).contains("梧桐山社区"))
            let tick = try await lead.post("/items/tick", [("unit", "wutongshan"), ("item", "01.06"), ("status", "ticked"), ("note", "已归档9份")])
            #expect(tick.status == .seeOther)
            let record = try #require(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06")))
            #expect(record.status == .ticked && record.by == "p13" && record.note == "已归档9份")
            let dashboard = String(buffer: try await lead.get("/").body)
            #expect(dashboard.contains("距考核还有") || dashboard.contains("考核日已过（2014-12-10）"))
            #expect(dashboard.contains("01 梧桐山社区"))
            // The estimate from the scoring rules, and what to fix first.
            #expect(dashboard.contains("/90</a></td>"))
            #expect(dashboard.contains("<h2>先补这些缺口</h2>"))
            #expect(dashboard.contains("缺 ") && dashboard.contains("可挽回"))
            let log = String(buffer: try await lead.get("/log?unit=wutongshan").body)
            #expect(log.contains("已归档9份") && log.contains("未检查 → 已确认"))
            let untick = try await lead.post("/items/untick", [("unit", "wutongshan"), ("item", "01.06")])
            #expect(untick.status == .seeOther)
            #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .filed)
        }
    }

    @Test func anotherGroupsOrCommunitysItemIsForbiddenAndLogged() async throws {
        let f = try WebFixture()
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            _ = try await lead.get("/items")
            let response = try await lead.post("/items/tick", [("unit", "dawang"), ("item", "01.06")])
            #expect(response.status == .forbidden)
            #expect(try f.tracker.record(ItemKey(unit: "dawang", item: "01.06")) == nil)
            let refusals = try f.tracker.events(EventFilter(kind: .refusal))
            #expect(refusals.count == 1 && refusals.first?.actor == "p13" && refusals.first?.unit == "dawang")
            // The items page offers only what the person may change: in 大望, the items of
            // p13's own groups, not 01.06 (owned by 业务督导组).
            let other = String(buffer: try await lead.get("/items?unit=dawang").body)
            #expect(!other.contains("id=\"item-01.06\""))
            let own = String(buffer: try await lead.get("/items?unit=wutongshan").body)
            #expect(own.contains("id=\"item-01.06\""))
        }
    }

    /// The web shows the core's ranked readiness flags, as the printed index does; an unknown
    /// status is refused instead of being read as "ticked".
    @Test func itemsShowTheCoresFlagsAndAnUnknownStatusIsRefused() async throws {
        let f = try WebFixture()
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        try MockScoring(tracker: f.tracker).record(item: "01.06", unit: "wutongshan", result: .fail, by: "p03")
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            let items = String(buffer: try await lead.get("/items?unit=wutongshan").body)
            let expected = try #require(ItemReadiness(present: 0, expected: 1, status: .ticked, failedMock: true).flagText)
            #expect(expected == "模拟检查未通过；已勾选但无文件")
            #expect(items.contains(expected))
            let unit = String(buffer: try await lead.get("/units/wutongshan").body)
            #expect(unit.contains(expected))
            let response = try await lead.post("/items/tick", [("unit", "wutongshan"), ("item", "01.07"), ("status", "tickd")])
            #expect(response.status == .badRequest)
            #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.07")) == nil)
        }
    }

    @Test func aFormWithoutTheCSRFTokenIsRejected() async throws {
        let f = try WebFixture()
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            let missing = try await lead.post("/items/tick", [("unit", "wutongshan"), ("item", "01.06")], csrf: false)
            #expect(missing.status == .forbidden)
            let wrong = try await lead.post("/items/tick", [("csrf", "forged"), ("unit", "wutongshan"), ("item", "01.06")], csrf: false)
            #expect(wrong.status == .forbidden)
            #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06")) == nil)
            let task = try await lead.post("/tasks/done", [("task", "t-g6-01")], csrf: false)
            #expect(task.status == .forbidden)
        }
    }

    @Test func anXSSPayloadInANoteIsRenderedEscaped() async throws {
        let f = try WebFixture()
        let payload = "<script>alert('x')</script><img src=x onerror=alert(1)>"
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            _ = try await lead.get("/items")
            #expect(try await lead.post("/items/tick", [("unit", "wutongshan"), ("item", "01.06"), ("note", payload)]).status == .seeOther)
            for uri in ["/items?unit=wutongshan", "/log"] {
                let page = String(buffer: try await lead.get(uri).body)
                #expect(!page.contains("<script>"), "\(uri)")
                #expect(!page.contains("<img src=x"), "\(uri)")
                #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), "\(uri)")
            }
            let response = try await lead.get("/")
            #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'none'") == true)
        }
    }

    @Test func tasksCanBeCompletedByTheirGroupOnly() async throws {
        let f = try WebFixture()
        let task = try #require(try f.tracker.tasks().first { $0.group == "g4" })
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            _ = try await lead.get("/tasks")
            let p13 = try f.tracker.person("p13")
            #expect(!f.tracker.groups(of: p13).contains { $0.id == "g4" })
            let refused = try await lead.post("/tasks/done", [("task", task.id)])
            #expect(refused.status == .forbidden)
            var prep = Browser(client)
            _ = try await prep.signIn("p03")
            _ = try await prep.get("/tasks")
            #expect(try await prep.post("/tasks/done", [("task", task.id)]).status == .seeOther)
            #expect(try f.tracker.tasks().first { $0.id == task.id }?.doneBy == "p03")
        }
    }

    @Test func signingOutEndsTheSession() async throws {
        let f = try WebFixture()
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            _ = try await lead.get("/")
            let token = lead.cookies["taizhang_session"]
            #expect(try await lead.post("/logout", []).status == .seeOther)
            var replay = Browser(client)
            replay.cookies["taizhang_session"] = token
            #expect(try await replay.get("/").status == .seeOther)
        }
    }

    @Test func noPageShowsHouseholdData() async throws {
        let f = try WebFixture()
        let csv = try String(contentsOfFile: repository + "/walkthrough/wutongshan/households.csv", encoding: .utf8)
        let heads = csv.split(whereSeparator: \.isNewline).dropFirst().compactMap { $0.split(separator: ",").dropFirst(2).first.map(String.init) }
        #expect(heads.count > 10)
        try await Application(router: f.router).test(.router) { client in
            var prep = Browser(client)
            _ = try await prep.signIn("p03")
            _ = try await prep.get("/items?unit=wutongshan")
            _ = try await prep.post("/items/tick", [("unit", "wutongshan"), ("item", "01.06")])
            for uri in ["/", "/items?unit=wutongshan", "/tasks", "/log", "/units/wutongshan"] {
                let page = String(buffer: try await prep.get(uri).body)
                #expect(page.contains("</html>"), "\(uri)")
                #expect(!page.contains("nil"), "a missing value printed as nil on \(uri)")
                for head in heads { #expect(!page.contains(head), "\(head) on \(uri)") }
            }
        }
    }
}
