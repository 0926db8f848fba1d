import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TaizhangDiagnostics
import TaizhangTestSupport
import TaizhangTracker
import Testing

@testable import TaizhangCore
@testable import TaizhangWeb

/// A district of `count` copies of the shipped street (ids s01, s02 …), each on its own
/// in-memory tracker, served by one district router. Accounts (password "password-1"):
/// district person qu01; in every street p13 (梧桐山 community lead) and p03 (preparation team).
final class DistrictFixture: @unchecked Sendable {
    let temporary: TemporaryDirectory
    let configuration: DistrictConfiguration
    let streets: [Tracker]
    /// 2014-11-20, 09:00 China time: before the example's inspection day.
    static let now = Date(timeIntervalSince1970: 1_416_445_200)
    static let base: Workspace? = WorkspaceLoader(root: repository).load().validWorkspace

    init(count: Int = 3, name: (Int) -> String = { "第\($0)街道" }, adjust: (Int, inout Workspace) -> Void = { _, _ in }) throws {
        temporary = try TemporaryDirectory("district")
        let base = try #require(Self.base)
        let folder = temporary.path
        let file = folder + "/district.xml"
        let location = SourceLocation(file: file)
        let ids = (1...count).map { String(format: "s%02d", $0) }
        let district = District(
            id: "luohu", name: "罗湖区", file: file,
            streets: ids.map { .init(workspace: $0, root: folder + "/" + $0, location: location) },
            people: [.init(id: "qu01", name: "区卫计局王科长", title: "科长", location: location)])
        let now: @Sendable () -> Date = { DistrictFixture.now }
        var streets: [Tracker] = []
        for (index, id) in ids.enumerated() {
            var workspace = base
            workspace.street.id = id
            workspace.street.name = name(index + 1)
            adjust(index + 1, &workspace)
            let tracker = Tracker(workspace: district.serving(workspace), store: InMemoryTrackerStore(), now: now)
            try tracker.seedTasks()
            for person in ["p13", "p03"] { try Accounts.setPassword(WebFixture.password, person: person, tracker: tracker) }
            streets.append(tracker)
        }
        let accounts = Tracker(workspace: district.accountsWorkspace, store: InMemoryTrackerStore(), now: now)
        try Accounts.setPassword(WebFixture.password, person: "qu01", tracker: accounts)
        let templates = try TemplateSet(directory: Repository.templates, required: DistrictConfiguration.templateNames)
        let path = temporary.path
        configuration = DistrictConfiguration(
            district: district, accounts: accounts, templates: templates,
            streets: streets.map { WebConfiguration(tracker: $0, templates: templates, packRoot: path + "/pack-" + $0.workspace.street.id) },
            sessions: StoredSessionStore(tracker: accounts))
        self.streets = streets
    }

    var router: Router<WebContext> { DistrictApp.router(configuration) }
}

extension Browser {
    /// Signs in on a street's own sign-in page (`/s/<street>/login`).
    mutating func signIn(street: String, _ person: String, password: String = WebFixture.password) async throws -> TestResponse {
        _ = try await get("/s/\(street)/login")
        return try await post("/s/\(street)/login", [("person", person), ("password", password)])
    }
}

@Suite struct DistrictWebTests {
    @Test func tenStreetsShowTenRowsWithTheirOwnFigures() async throws {
        // Street k has k items signed off; the last street's inspection day is over.
        let f = try DistrictFixture(
            count: 10,
            adjust: { index, workspace in
                if index == 10, let day = Day(year: 2014, month: 11, day: 1) { workspace.street.inspectionDate = day }
            })
        let units = f.streets[0].plan.units
        let streetUnit = try #require(units.first { $0.id == Tracker.streetUnit })
        let total = units.reduce(0) { $0 + $1.items.count }
        for (index, tracker) in f.streets.enumerated() {
            for item in streetUnit.items.prefix(index + 1) {
                try tracker.tick(item: item.item.code, unit: streetUnit.id, by: "p03")
            }
        }
        try await Application(router: f.router).test(.router) { client in
            var district = Browser(client)
            #expect(try await district.signIn("qu01").headers[.location] == "/")
            let page = try await district.get("/")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            // The district's pages have no items, tasks or log of their own to link to.
            #expect(!html.contains("href=\"/items\"") && html.contains("action=\"/logout\""))
            let rows = html.components(separatedBy: "<tr id=\"street-").dropFirst()
            #expect(rows.count == 10)
            for (index, row) in rows.enumerated() {
                let id = String(format: "s%02d", index + 1)
                #expect(row.hasPrefix(id + "\""))
                #expect(row.contains("<a href=\"/s/\(id)/\">第\(index + 1)街道</a>"), "\(id)")
                #expect(row.contains(">\(index + 1) / \(total)</td>"), "\(id)")
                #expect(row.contains("\((index + 1) * 100 / total)%"), "\(id)")
                #expect(row.contains(index == 9 ? "考核日已过（2014-11-01）" : "距考核还有"), "\(id)")
            }
            // The score and the overdue tasks are the street's own report's.
            let report = try StatusReport(
                tracker: f.streets[0], today: ChinaTime.day(DistrictFixture.now), estimate: try MockScoring(tracker: f.streets[0]).scores())
            let score = try #require(report.units.first { $0.id == Tracker.streetUnit }?.estimatedScore)
            #expect(rows.first?.contains(">\(score)</td>") == true)
            let tasks = try f.streets[0].tasks().filter { $0.isOverdue(on: ChinaTime.day(DistrictFixture.now)) }.count
            #expect(rows.first?.contains("/s/s01/tasks?state=overdue\">\(tasks)</a>") == true)
            #expect(rows.first?.contains("data-label=\"月报逾期条目\">\(report.overdue.count - tasks)</td>") == true)
        }
    }

    @Test func aHostileStreetNameIsEscapedOnTheOverviewAndTheSignInPage() async throws {
        let hostile = "<script>alert(1)</script>&\"街道"
        let f = try DistrictFixture(count: 2, name: { $0 == 1 ? hostile : "第\($0)街道" })
        try await Application(router: f.router).test(.router) { client in
            var district = Browser(client)
            let signIn = String(buffer: try await district.get("/login").body)
            #expect(!signIn.contains("<script>alert"))
            #expect(signIn.contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;街道"))
            _ = try await district.signIn("qu01")
            let html = String(buffer: try await district.get("/").body)
            #expect(!html.contains("<script>alert"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;街道"))
        }
    }

    @Test func streetPeopleWorkInTheirOwnStreetAndAreRefusedEveryOther() async throws {
        let f = try DistrictFixture(count: 2)
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            let signedIn = try await lead.signIn(street: "s01", "p13")
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/s/s01/")
            #expect(try await lead.get("/").headers[.location] == "/s/s01/")
            let items = try await lead.get("/s/s01/items")
            #expect(items.status == .ok)
            let html = String(buffer: items.body)
            #expect(html.contains("action=\"/s/s01/items/tick\""))
            #expect(html.contains("href=\"/s/s01/tasks\""))
            #expect(!html.contains("href=\"/items") && !html.contains("action=\"/items"))
            let tick = try await lead.post("/s/s01/items/tick", [("unit", "wutongshan"), ("item", "01.06"), ("status", "ticked")])
            #expect(tick.status == .seeOther)
            #expect(tick.headers[.location]?.hasPrefix("/s/s01/items?") == true)
            #expect(try f.streets[0].record(ItemKey(unit: "wutongshan", item: "01.06"))?.by == "p13")
            // 撤销一步's target is under the street too.
            let ticked = String(buffer: try await lead.get("/s/s01/items").body)
            #expect(ticked.contains("formaction=\"/s/s01/items/untick\"") && !ticked.contains("formaction=\"/items"))

            for uri in ["/s/s02/", "/s/s02/items", "/s/s02/items/wutongshan/01.06", "/s/s02/tasks", "/s/s02/log"] {
                #expect(try await lead.get(uri).status == .forbidden, "\(uri)")
            }
            let other = try await lead.post("/s/s02/items/tick", [("unit", "wutongshan"), ("item", "01.06"), ("status", "ticked")])
            #expect(other.status == .forbidden)
            #expect(try f.streets[1].items().isEmpty)
            #expect(try f.streets[1].events().filter { $0.kind == .item || $0.kind == .refusal }.isEmpty)
            // The district's own pages are not theirs either.
            #expect(try await lead.get("/nothing-here").status == .notFound)
            #expect(try await lead.get("/s/s99/").status == .notFound)
        }
    }

    @Test func districtPeopleReadEveryStreetAndChangeNothing() async throws {
        let f = try DistrictFixture(count: 2)
        try await Application(router: f.router).test(.router) { client in
            var district = Browser(client)
            _ = try await district.signIn("qu01")
            for uri in ["/s/s02/", "/s/s02/items?scope=all", "/s/s02/items/wutongshan/01.06", "/s/s02/tasks", "/s/s02/log", "/s/s01/units/wutongshan"] {
                let response = try await district.get(uri)
                #expect(response.status == .ok, "\(uri)")
                let html = String(buffer: response.body)
                #expect(!html.contains("/items/tick\""), "\(uri)")
                #expect(html.contains("区卫计局王科长"), "\(uri)")
            }
            for (uri, fields) in [
                ("/s/s02/items/tick", [("unit", "wutongshan"), ("item", "01.06"), ("status", "ticked")]),
                ("/s/s02/items/bulk", [("pick", "wutongshan/01.06"), ("status", "ticked")]),
                ("/s/s02/tasks/done", [("task", "t1")]),
                ("/s/s02/upload", [("unit", "wutongshan"), ("item", "01.06")]),
            ] {
                #expect(try await district.post(uri, fields).status == .forbidden, "\(uri)")
            }
            #expect(try f.streets[1].items().isEmpty)
            #expect(try f.streets[1].events().filter { $0.kind == .item || $0.kind == .refusal }.isEmpty)
            // Signing out from a street page goes back to the district's sign-in page.
            let out = try await district.post("/s/s02/logout", [])
            #expect(out.headers[.location] == "/login")
            #expect(try await district.get("/").headers[.location] == "/login")
        }
    }

    @Test func nobodySignedInGoesToTheStreetsSignInPageWithItsCookieUnderTheStreet() async throws {
        let f = try DistrictFixture(count: 1)
        try await Application(router: f.router).test(.router) { client in
            let items = try await client.execute(uri: "/s/s01/items", method: .get)
            #expect(items.status == .seeOther)
            #expect(items.headers[.location] == "/s/s01/login")
            #expect(try await client.execute(uri: "/s/s01", method: .get).headers[.location] == "/s/s01/")
            let page = try await client.execute(uri: "/s/s01/login", method: .get)
            #expect(page.headers[values: .setCookie].contains { $0.contains("Path=/s/s01/login") })
            #expect(String(buffer: page.body).contains("action=\"/s/s01/login\""))
            // The district's sign-in page lists every street's own.
            let district = String(buffer: try await client.execute(uri: "/login", method: .get).body)
            #expect(district.contains("href=\"/s/s01/login\""))
            // A street person's account is the street's: the district sign-in does not know it.
            var lead = Browser(client)
            #expect(try await lead.signIn("p13").status == .unauthorized)
        }
    }

    @Test func twoServersOnOneDatabaseShareTheDistrictsSessions() async throws {
        let f = try DistrictFixture(count: 2)
        // A second process: its own configuration and router, on the same stores.
        let second = DistrictConfiguration(
            district: f.configuration.district, accounts: f.configuration.accounts, templates: f.configuration.templates,
            streets: f.configuration.streets, sessions: StoredSessionStore(tracker: f.configuration.accounts))
        let cookies = try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn(street: "s02", "p13")
            return lead.cookies
        }
        try await Application(router: DistrictApp.router(second)).test(.router) { client in
            var lead = Browser(client)
            lead.cookies = cookies
            let items = try await lead.get("/s/s02/items")
            #expect(items.status == .ok)
            #expect(String(buffer: items.body).contains("action=\"/s/s02/items/tick\""))
            #expect(try await lead.get("/s/s01/items").status == .forbidden)
        }
    }

    /// District mode keeps the sign-in throttle in the stores too: the district sign-in's
    /// failures in the district's tracker, a street's in that street's, so a second
    /// `serve --district` on the same database (here: the same stores) goes on with the back-off.
    @Test func signInFailuresOnOneInstanceCountOnASecondOnTheSameDatabase() async throws {
        let f = try DistrictFixture(count: 2)
        let c = f.configuration
        // A second process: configurations of its own (defaults, as `serve --district` builds them) on the same stores.
        let second = DistrictConfiguration(
            district: c.district, accounts: c.accounts, templates: c.templates,
            streets: c.streets.map { WebConfiguration(tracker: $0.tracker, templates: c.templates, packRoot: $0.packRoot) },
            sessions: StoredSessionStore(tracker: c.accounts))
        let routers = [f.router, DistrictApp.router(second)]
        // Five failures each on the district's and on s02's sign-in, alternating between the two instances.
        for n in 0..<5 {
            try await Application(router: routers[n % 2]).test(.router) { client async throws in
                var guesser = Browser(client)
                #expect(try await guesser.signIn("qu01", password: "wrong-guess").status == .unauthorized)
                #expect(try await guesser.signIn(street: "s02", "p13", password: "wrong-guess").status == .unauthorized)
            }
        }
        #expect(try c.accounts.signInCounterCount() == 2, "the district's pair and address counters")
        #expect(try f.streets[1].signInCounterCount() == 2, "s02's own")
        #expect(try f.streets[0].signInCounterCount() == 0, "s01 saw no failure")
        for router in routers {
            try await Application(router: router).test(.router) { client async throws in
                var person = Browser(client)
                #expect(try await person.signIn("qu01").status == .tooManyRequests, "the district sign-in waits on both instances")
                #expect(try await person.signIn(street: "s02", "p13").status == .tooManyRequests, "s02's sign-in waits on both")
                #expect(try await person.signIn(street: "s01", "p13").status == .seeOther, "another street counts its own failures")
            }
        }
    }

    /// The overview's overdue figure is what its link opens: the street's overdue tasks, every
    /// one of them listed for the district reader; items with overdue monthly documents (which
    /// the street's report counts with the tasks) have a column of their own.
    @Test func theOverdueFigureIsWhatItsLinkLists() async throws {
        // Monthly documents due by the 10th: with no file scanned, every month past is overdue.
        let f = try DistrictFixture(
            count: 1,
            adjust: { _, workspace in
                for c in workspace.catalogue.categories.indices {
                    for i in workspace.catalogue.categories[c].indicators.indices {
                        for j in workspace.catalogue.categories[c].indicators[i].items.indices {
                            for d in workspace.catalogue.categories[c].indicators[i].items[j].documents.indices
                            where workspace.catalogue.categories[c].indicators[i].items[j].documents[d].period == .monthly {
                                workspace.catalogue.categories[c].indicators[i].items[j].documents[d].dueDay = 10
                            }
                        }
                    }
                }
            })
        let today = ChinaTime.day(DistrictFixture.now)
        let report = try StatusReport(tracker: f.streets[0], today: today)
        let tasks = try f.streets[0].tasks().filter { $0.isOverdue(on: today) }.count
        #expect(tasks > 0 && report.overdue.count > tasks, "the example street has overdue tasks and overdue monthly documents")
        try await Application(router: f.router).test(.router) { client in
            var district = Browser(client)
            _ = try await district.signIn("qu01")
            let overview = String(buffer: try await district.get("/").body)
            let row = overview.components(separatedBy: "<tr id=\"street-s01\"").dropFirst().first ?? ""
            #expect(row.contains("href=\"/s/s01/tasks?state=overdue\">\(tasks)</a>"))
            #expect(row.contains("data-label=\"月报逾期条目\">\(report.overdue.count - tasks)</td>"))
            let list = String(buffer: try await district.get("/s/s01/tasks?state=overdue").body)
            #expect(list.components(separatedBy: "<tr id=\"task-").count - 1 == tasks, "the link lists as many tasks as the figure says")
            #expect(!list.contains("action=\"/s/s01/tasks/done\""), "a district reader gets no buttons to change them")
            #expect(list.components(separatedBy: "<option value=").count > 7, "and may filter by every group")
        }
    }

    @Test func theCookiePathOfAStreetIsPrefixedAndTheSessionCookieStaysTheDistricts() {
        #expect(StreetGate.prefixingPath("taizhang_login=ab; Path=/login; HttpOnly", "/s/s01") == "taizhang_login=ab; Path=/s/s01/login; HttpOnly")
        #expect(StreetGate.prefixingPath("taizhang_session=ab; Path=/; HttpOnly", "/s/s01") == "taizhang_session=ab; Path=/; HttpOnly")
    }
}

@Suite struct DistrictLinkTests {
    static func prefixed(_ html: String) -> String {
        String(decoding: WebRenderer.prefixingLinks(Array(html.utf8), "/s/xihu"), as: UTF8.self)
    }

    @Test func onlyTheTemplatesLinksAndFormTargetsGetTheStreetsPrefix() {
        #expect(Self.prefixed("<a href=\"/items?unit=c1\">我的</a>") == "<a href=\"/s/xihu/items?unit=c1\">我的</a>")
        #expect(Self.prefixed("<form method=\"post\"\n action=\"/items/tick\">") == "<form method=\"post\"\n action=\"/s/xihu/items/tick\">")
        #expect(Self.prefixed("<a href=\"/\">总览</a><a href=\"/log\">") == "<a href=\"/s/xihu/\">总览</a><a href=\"/s/xihu/log\">")
        // 撤销一步 submits the row's tick form elsewhere: its target is a form target too.
        #expect(
            Self.prefixed("<button form=\"f-item-01.06\" formaction=\"/items/untick\">")
                == "<button form=\"f-item-01.06\" formaction=\"/s/xihu/items/untick\">")
        // Escaped page text, other attributes, relative and outside links stay as they are.
        for kept in [
            "<p>href=&quot;/items&quot;</p>", "<a data-href=\"/x\">", "<a href=\"items\">", "<a href=\"https://example.org/\">", "href=\"/",
            "", "<a href='/x'>",
        ] {
            #expect(Self.prefixed(kept) == kept, "\(kept)")
        }
    }
}
