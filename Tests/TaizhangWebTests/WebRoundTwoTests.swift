import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TaizhangCore
import TaizhangTracker
import Testing

@testable import TaizhangWeb

extension Browser {
    /// Posts files as a browser's upload form does (`multipart/form-data`).
    mutating func upload(
        _ uri: String = "/upload", fields: [(String, String)], files: [(name: String, bytes: [UInt8])], csrf withToken: Bool = true
    ) async throws -> TestResponse {
        let boundary = "----TaizhangTestBoundary7MA4YWxkTrZu0gW"
        var body: [UInt8] = []
        func add(_ text: String) { body += Array(text.utf8) }
        var all = fields
        if withToken, let csrf { all.insert(("csrf", csrf), at: 0) }
        for (name, value) in all {
            add("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for file in files {
            add("--\(boundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\(file.name)\"\r\nContent-Type: application/pdf\r\n\r\n")
            body += file.bytes
            add("\r\n")
        }
        add("--\(boundary)--\r\n")
        var fields = headers
        fields[.contentType] = "multipart/form-data; boundary=\(boundary)"
        let response = try await client.execute(uri: uri, method: .post, headers: fields, body: ByteBuffer(bytes: body))
        remember(response)
        return response
    }
}

/// Issue #17: the dashboard, items, tasks, log, sign-in and upload of round two.
@Suite struct WebRoundTwoTests {
    /// 2014-12-01 in China: nine days before the example street's inspection day (2014-12-10).
    static let beforeInspection: @Sendable () -> Date = { ChinaTime.start(of: Day("2014-12-01")!) }

    /// The fixture with the pack's unit folders, which uploads need (`generate` makes them; the
    /// rest of a generated pack does not matter here and would only slow the suite).
    static func unitFolders(_ f: WebFixture) throws {
        for unit in f.tracker.plan.units {
            try FileManager.default.createDirectory(
                atPath: PackPaths(packRoot: f.configuration.packRoot).unitRoot(unit), withIntermediateDirectories: true)
        }
    }

    /// The user files in a folder; none when it does not exist.
    static func files(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix("00 ") }.sorted()
    }

    static func itemFolder(_ f: WebFixture, unit: String, item: String) throws -> String {
        let plan = try #require(f.tracker.plan.unit(id: unit))
        let binder = try #require(plan.binders.first { $0.items.contains { $0.item.code == item } })
        let itemPlan = try #require(binder.items.first { $0.item.code == item })
        return PackPaths(packRoot: f.configuration.packRoot).itemRoot(plan, binder, itemPlan)
    }

    static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    // MARK: Dashboard

    @Test func theDashboardAnswersWhereWeAreWhatIsLateAndWhatCostsPoints() async throws {
        let f = try WebFixture(now: Self.beforeInspection)
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")  // ticked, no file: 已勾选但文件不全
        try MockScoring(tracker: f.tracker).record(item: "01.07", unit: "wutongshan", result: .fail, by: "p03")
        let blocked = try #require(try f.tracker.webTasks().first { $0.group == "g1" })
        try f.tracker.setTask(blocked.id, to: .blocked, by: "p03", note: "等待区卫计局反馈数据")
        try await Application(router: f.router).test(.router) { client in
            var prep = Browser(client)
            _ = try await prep.signIn("p03")
            let page = Self.body(try await prep.get("/"))
            #expect(page.contains("合计（全部单位）"))
            #expect(page.contains("文件齐全度") && page.contains("已勾选但文件不全") && page.contains("模拟检查未通过"))
            // Every number links to the list behind it.
            #expect(page.contains("href=\"/items?unit=wutongshan&amp;flag=claimed-incomplete&amp;scope=all\">1</a>"))
            #expect(page.contains("href=\"/items?unit=wutongshan&amp;flag=failed-mock&amp;scope=all\">1</a>"))
            #expect(page.contains("<h2>一票否决项尚未稳妥</h2>") && page.contains("文件缺失（0/"))
            let vetoCount = try #require(page.range(of: "共 ").map { page[$0.upperBound...].prefix { $0.isNumber } })
            let vetoList = Self.body(try await prep.get("/items?flag=veto&scope=all"))
            #expect(vetoList.contains("共 \(vetoCount) 项"))
            #expect(page.contains("<h2>7 天内到期的任务</h2>") && !page.contains("7 天内没有到期的任务"))
            #expect(page.contains("等待区卫计局反馈数据"))
            #expect(page.contains("@media print") && page.contains("size: A4"))
            // The linked list holds exactly what the number counts.
            let claimed = Self.body(try await prep.get("/items?unit=wutongshan&flag=claimed-incomplete&scope=all"))
            #expect(claimed.contains("id=\"item-01.06\"") && !claimed.contains("id=\"item-01.07\""))
            #expect(claimed.contains("共 1 项"))
            // A group's 督办单: overdue and due-soon tasks on one printable page.
            let duban = Self.body(try await prep.get("/groups/g1/duban"))
            #expect(duban.contains("督办单 · 第1组") && duban.contains("距考核还有 9 天"))
            #expect(duban.contains("受阻") && duban.contains("等待区卫计局反馈数据") && duban.contains("已逾期"))
            let soon = Self.body(try await prep.get("/groups/g4/duban"))
            #expect(soon.contains("t-g4-04") && soon.contains("还剩 2 天") && !soon.contains("等待区卫计局反馈数据"))
            #expect(try await prep.get("/groups/nope/duban").status == .notFound)
        }
    }

    // MARK: Items

    /// One form per row: 撤销一步 is a button outside it that names it (`form=`) and sends it to
    /// /items/untick (`formaction=`), so a row carries its hidden fields once, and the undo
    /// handler takes the tick form's fields (status, note) as they come.
    @Test func theUndoButtonSubmitsTheRowsOneForm() async throws {
        let f = try WebFixture()
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13", status: .filed)
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            let page = Self.body(try await lead.get("/items?unit=wutongshan&status=ticked"))
            #expect(page.contains("共 1 项"))
            let open = "<form id=\"f-item-01.06\" class=\"inline\" method=\"post\" action=\"/items/tick\">"
            let form = try #require(page.range(of: open).map { page[$0.upperBound...] })
            let body = String(form[..<(try #require(form.range(of: "</form>")).lowerBound)])
            #expect(page.contains("<button class=\"secondary\" type=\"submit\" form=\"f-item-01.06\" formaction=\"/items/untick\">撤销一步</button>"))
            // The hidden fields once per row: every form but the filters (GET) has one token.
            #expect(page.components(separatedBy: "name=\"csrf\"").count == page.components(separatedBy: "<form ").count - 1)
            var fields: [(String, String)] = []
            var rest = Substring(body)
            while let input = rest.range(of: "<input type=\"hidden\" name=\"") {
                rest = rest[input.upperBound...]
                let name = String(rest.prefix { $0 != "\"" })
                let value = try #require(rest.range(of: "value=\"")).upperBound
                fields.append((name, String(rest[value...].prefix { $0 != "\"" })))
            }
            #expect(fields.map(\.0) == ["csrf", "unit", "item", "return"])
            // What the browser sends for 撤销一步: the form's fields, its first status, an empty note.
            let sent = fields.filter { $0.0 != "csrf" } + [("status", "ticked"), ("note", "")]
            let undo = try await lead.post("/items/untick", sent)
            #expect(undo.status == .seeOther)
            #expect(undo.headers[.location]?.contains("ok=untick") == true)
            #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .filed)
        }
    }

    @Test func itemsFilterBySearchAndStatusAndShowOnlyUsefulButtons() async throws {
        let f = try WebFixture()
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            let all = Self.body(try await lead.get("/items?unit=wutongshan"))
            let total = try #require(all.range(of: "共 ").map { all[$0.upperBound...].prefix { $0.isNumber } }).description
            let ticked = Self.body(try await lead.get("/items?unit=wutongshan&status=ticked"))
            #expect(ticked.contains("共 1 项") && ticked.contains("id=\"item-01.06\""))
            // 撤销一步 only where there is a step to undo: one ticked item, one undo button.
            #expect(all.components(separatedBy: "撤销一步").count - 1 == 1)
            let item = try #require(f.tracker.plan.unit(id: "wutongshan")?.items.first { $0.item.code == "01.06" })
            let found = Self.body(try await lead.get("/items?unit=wutongshan&q=" + PackFiles.encode(item.item.title)))
            #expect(found.contains("id=\"item-01.06\"") && !found.contains("共 \(total) 项"))
            #expect(Self.body(try await lead.get("/items?unit=wutongshan&q=zzz-nothing")).contains("没有符合条件的条目"))
            // scope=all: the others' items read-only, without forms or check boxes.
            let dawang = Self.body(try await lead.get("/items?unit=dawang&scope=all"))
            #expect(dawang.contains("id=\"item-01.06\"") && dawang.contains("只读"))
            #expect(!dawang.contains("value=\"dawang/01.06\""))
        }
    }

    @Test func aChangeShowsASuccessMessageAndErrorsAreChineseWithoutCommandLineSyntax() async throws {
        let f = try WebFixture()
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            _ = try await lead.get("/items?unit=wutongshan&status=open")
            let tick = try await lead.post("/items/tick", [("unit", "wutongshan"), ("item", "01.06"), ("status", "filed"), ("return", "unit=wutongshan&status=open")])
            let location = try #require(tick.headers[.location])
            #expect(location.hasPrefix("/items?unit=wutongshan&status=open&ok=filed&code=01.06&in=wutongshan#item-01.06"))
            let after = Self.body(try await lead.get(location))
            #expect(after.contains("<p class=\"flash\">已将“01.06"))
            #expect(after.contains("标为已归档。</p>"))
            let na = try await lead.post("/items/tick", [("unit", "wutongshan"), ("item", "01.07"), ("status", "na")])
            #expect(na.status == .badRequest)
            let message = Self.body(na)
            #expect(message.contains("需要在备注中写明理由") && !message.contains("--note"))
            let forbidden = Self.body(try await lead.post("/items/tick", [("unit", "dawang"), ("item", "01.06")]))
            #expect(forbidden.contains("杨春梅无权修改大望社区的 01.06") && !forbidden.contains("not allowed"))
            for uri in ["/", "/items", "/tasks", "/log", "/units/wutongshan", "/pack/missing", "/login"] {
                let page = Self.body(try await lead.get(uri))
                #expect(!page.contains("--") && !page.contains("taizhang "), "\(uri)")
            }
        }
    }

    @Test func bulkTickChecksAndLogsEachItemAndReportsRefusalsPerItem() async throws {
        let f = try WebFixture()
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            _ = try await lead.get("/items")
            let response = try await lead.post(
                "/items/bulk",
                [("pick", "wutongshan/01.06"), ("pick", "wutongshan/01.07"), ("pick", "dawang/01.06"), ("status", "ticked"), ("note", "批量核对")])
            #expect(response.status == .ok)
            let page = Self.body(response)
            #expect(page.contains("共 3 项：2 项已处理，1 项未处理"))
            #expect(page.contains("杨春梅无权修改大望社区的 01.06"))
            for code in ["01.06", "01.07"] {
                let record = try #require(try f.tracker.record(ItemKey(unit: "wutongshan", item: code)))
                #expect(record.status == .ticked && record.note == "批量核对" && record.by == "p13")
            }
            #expect(try f.tracker.record(ItemKey(unit: "dawang", item: "01.06")) == nil)
            let events = try f.tracker.events(EventFilter(actor: "p13"))
            #expect(events.filter { $0.kind == .item }.count == 2)
            #expect(events.filter { $0.kind == .refusal && $0.unit == "dawang" && $0.subject == "01.06" }.count == 1)
            // 不适用 in bulk needs the reason too; nothing is changed without it.
            let na = try await lead.post("/items/bulk", [("pick", "wutongshan/01.08"), ("status", "na")])
            #expect(na.status == .badRequest)
            #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.08")) == nil)
            // Without a session's token nothing happens.
            let forged = try await lead.post("/items/bulk", [("pick", "wutongshan/01.08"), ("status", "ticked")], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.08")) == nil)
        }
    }

    // MARK: Tasks and log

    @Test func aTaskIsBlockedWithAReasonFilteredAndReopened() async throws {
        let f = try WebFixture()
        let task = try #require(try f.tracker.webTasks().first { $0.group == "g3" })
        try await Application(router: f.router).test(.router) { client in
            var prep = Browser(client)
            _ = try await prep.signIn("p03")
            _ = try await prep.get("/tasks")
            #expect(try await prep.post("/tasks/block", [("task", task.id)]).status == .badRequest)
            #expect(try f.tracker.webTasks().first { $0.id == task.id }?.state == .open)
            let block = try await prep.post("/tasks/block", [("task", task.id), ("note", "宣传品未到货"), ("return", "state=open")])
            #expect(block.headers[.location] == "/tasks?state=open&ok=blocked#task-" + task.id)
            let blocked = Self.body(try await prep.get("/tasks?state=blocked"))
            #expect(blocked.contains("共 1 项") && blocked.contains("原因：宣传品未到货") && blocked.contains("解除受阻"))
            #expect(try await prep.post("/tasks/reopen", [("task", task.id)]).status == .seeOther)
            #expect(try f.tracker.webTasks().first { $0.id == task.id }?.state == .open)
            #expect(Self.body(try await prep.get("/tasks?state=blocked")).contains("共 0 项"))
        }
    }

    @Test func theLogNamesItemsUnitsAndPeopleAndExportsSafeCSV() async throws {
        let f = try WebFixture()
        let item = try #require(f.tracker.plan.unit(id: "wutongshan")?.items.first { $0.item.code == "01.06" })
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("杨春梅")  // by name
            _ = try await lead.get("/items")
            for note in ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2", "@SUM(A1)", "a,\"b\""] {
                _ = try await lead.post("/items/tick", [("unit", "wutongshan"), ("item", "01.06"), ("status", "ticked"), ("note", note)])
                _ = try await lead.post("/items/untick", [("unit", "wutongshan"), ("item", "01.06")])
            }
            let log = Self.body(try await lead.get("/log?unit=wutongshan&actor=杨春梅".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!))
            #expect(log.contains(item.item.title) && log.contains("梧桐山社区") && log.contains("杨春梅（p13）"))
            #expect(log.contains("href=\"/log.csv?unit=wutongshan&amp;actor="))
            let response = try await lead.get("/log.csv?unit=wutongshan")
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(response.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            let bytes = Array(response.body.readableBytesView)
            #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
            let csv = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            #expect(csv.hasPrefix("时间,人员,类别,单位,对象,名称,变化,备注\r\n"))
            #expect(csv.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n"))
            for safe in [",'+1+1\r\n", ",'-2\r\n", ",'@SUM(A1)\r\n", ",\"a,\"\"b\"\"\"\r\n"] {
                #expect(csv.contains(safe), "\(safe)")
            }
            #expect(csv.contains(item.item.title))
            // Not signed in: no export.
            #expect(try await client.execute(uri: "/log.csv", method: .get).status == .seeOther)
        }
    }

    /// Tab and carriage return cannot come through a trimmed form field, so the cell rule is
    /// checked on its own for them.
    @Test func csvCellsThatASpreadsheetWouldReadAsFormulasArePrefixed() {
        #expect(CSVCell.quoted("\t=1") == "'\t=1")
        #expect(CSVCell.quoted("\r=1") == "\"'\r=1\"")
        #expect(CSVCell.quoted("=1") == "'=1")
        #expect(CSVCell.quoted("1=1") == "1=1")
        #expect(CSVCell.quoted("") == "")
    }

    @Test func signInTakesAPersonIdOrAUniqueNameWithAChineseHint() async throws {
        let f = try WebFixture()
        #expect(SignInController.personID("杨春梅", people: f.tracker.workspace.street.people) == "p13")
        #expect(SignInController.personID("p13", people: f.tracker.workspace.street.people) == "p13")
        #expect(SignInController.personID("无此人", people: f.tracker.workspace.street.people) == nil)
        // Two people of one name: the name signs in neither, each id still does.
        var people = f.tracker.workspace.street.people
        var twin = try #require(people.first { $0.id == "p13" })
        twin.id = "p99"
        people.append(twin)
        #expect(SignInController.personID("杨春梅", people: people) == nil)
        #expect(SignInController.personID("p99", people: people) == "p99" && SignInController.personID("p13", people: people) == "p13")
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            let page = Self.body(try await lead.get("/login"))
            #expect(page.contains("姓名或工号") && !page.contains("taizhang"))
            #expect(try await lead.signIn("杨春梅").headers[.location] == "/")
            var wrong = Browser(client)
            let refused = try await wrong.signIn("杨春梅", password: "not-the-password")
            #expect(refused.status == .unauthorized && Self.body(refused).contains("姓名（或工号）或密码不正确"))
        }
    }

    // MARK: Upload

    @Test func aLeadUploadsDocumentsToAnItemAndSeesThemFiledHashedAndListed() async throws {
        let f = try WebFixture()
        try Self.unitFolders(f)
        let folder = try Self.itemFolder(f, unit: "wutongshan", item: "01.06")
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            _ = try await lead.get("/items/wutongshan/01.06")
            let pdf = Array("%PDF-1.4 会议纪要".utf8)
            let response = try await lead.upload(fields: [("unit", "wutongshan"), ("item", "01.06")], files: [("会议纪要.pdf", pdf), ("会议纪要.pdf", pdf)])
            #expect(response.status == .ok)
            let result = Self.body(response)
            #expect(result.contains("共 2 个文件：2 个已保存") && result.contains("SHA-256 "))
            // Never overwrites: the second file of the same name gets a number.
            #expect(Self.files(in: folder) == ["会议纪要 (2).pdf", "会议纪要.pdf"])
            // Hashed on arrival and recorded as a scan; the item is at least 已归档.
            let documents = try f.tracker.documents(units: ["wutongshan"])
            #expect(documents.count == 2 && documents.allSatisfy { $0.item == "01.06" && $0.sha256.count == 64 })
            #expect(try f.tracker.scans().count == 1)
            #expect(try f.tracker.record(ItemKey(unit: "wutongshan", item: "01.06"))?.status == .filed)
            let item = Self.body(try await lead.get("/items/wutongshan/01.06"))
            #expect(item.contains("会议纪要 (2).pdf") && item.contains("href=\"/pack/"))
            // With the item sheet generated, the list links to it under /pack/.
            try Data("<html>sheet</html>".utf8).write(to: URL(fileURLWithPath: folder + "/" + GeneratedName.itemSheet))
            let list = Self.body(try await lead.get("/items?unit=wutongshan"))
            #expect(list.contains("data-label=\"文件\">2/"))
            let sheet = PackFiles.href(Array(folder.dropFirst(f.configuration.packRoot.count + 1).split(separator: "/").map(String.init)) + [GeneratedName.itemSheet])
            // The link keeps its Chinese as it is (a browser encodes it, and asks for `sheet`).
            let readable = UnitItems.readable(sheet)
            #expect(!readable.contains("%E") && readable.hasSuffix("/00%20说明.html"))
            #expect(list.contains("<a href=\"\(readable)\">说明页</a>"))
            #expect(Self.body(try await lead.get(sheet)) == "<html>sheet</html>")
        }
    }

    @Test func uploadsOutsideThePersonsPermissionsOrWithoutTokenAreRefusedAndLogged() async throws {
        let f = try WebFixture()
        try Self.unitFolders(f)
        let folder = try Self.itemFolder(f, unit: "dawang", item: "01.06")
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            _ = try await lead.get("/items")
            let refused = try await lead.upload(fields: [("unit", "dawang"), ("item", "01.06")], files: [("x.pdf", [1, 2, 3])])
            #expect(refused.status == .forbidden)
            #expect(Self.files(in: folder).isEmpty)
            #expect(try f.tracker.events(EventFilter(kind: .refusal)).contains { $0.unit == "dawang" && $0.subject == "01.06" })
            let own = try Self.itemFolder(f, unit: "wutongshan", item: "01.06")
            let forged = try await lead.upload(fields: [("unit", "wutongshan"), ("item", "01.06")], files: [("x.pdf", [1])], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(Self.files(in: own).isEmpty)
            #expect(try f.tracker.scans().isEmpty)
        }
    }

    @Test func uploadsKeepToTheSizeLimits() async throws {
        let f = try WebFixture()
        try Self.unitFolders(f)
        f.configuration.uploads = UploadLimits(maximumFileBytes: 1024, maximumTotalBytes: 4096)
        let folder = try Self.itemFolder(f, unit: "wutongshan", item: "01.06")
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            _ = try await lead.get("/items")
            let mixed = try await lead.upload(
                fields: [("unit", "wutongshan"), ("item", "01.06")], files: [("big.pdf", Array(repeating: 65, count: 2000)), ("small.pdf", [1, 2])])
            #expect(mixed.status == .ok)
            #expect(Self.body(mixed).contains("超过单个文件上限 1 KB"))
            #expect(Self.files(in: folder) == ["small.pdf"])
            let whole = try await lead.upload(
                fields: [("unit", "wutongshan"), ("item", "01.06")], files: [("huge.pdf", Array(repeating: 65, count: 300 * 1024))])
            #expect(whole.status == .contentTooLarge)
            #expect(Self.body(whole).contains("超过了总上限"))
            #expect(Self.files(in: folder) == ["small.pdf"])
        }
    }

    @Test func uploadedNamesCannotLeaveTheItemFolderNorInjectMarkup() async throws {
        let f = try WebFixture()
        try Self.unitFolders(f)
        let folder = try Self.itemFolder(f, unit: "wutongshan", item: "01.06")
        let pack = f.configuration.packRoot
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            _ = try await lead.get("/items")
            let response = try await lead.upload(
                fields: [("unit", "wutongshan"), ("item", "01.06")],
                files: [("../../../../evil.pdf", [1]), ("..\\..\\win.pdf", [2]), ("<script>alert(1)</script>.pdf", [3]), ("..", [4])])
            #expect(response.status == .ok)
            let result = Self.body(response)
            #expect(!result.contains("<script>alert"))
            let names = Set(Self.files(in: folder))
            #expect(names.contains("evil.pdf") && names.contains("win.pdf") && names.count == 4)
            #expect(names.allSatisfy { !$0.contains("/") && !$0.contains("<") && !$0.hasPrefix(".") })
            #expect(!FileManager.default.fileExists(atPath: pack + "/evil.pdf"))
            #expect(!FileManager.default.fileExists(atPath: (pack as NSString).deletingLastPathComponent + "/evil.pdf"))
            let item = Self.body(try await lead.get("/items/wutongshan/01.06"))
            #expect(!item.contains("<script>alert"))
        }
    }

    @Test func autoUploadFilesByNameAndSendsTheUnsureTo待分拣() async throws {
        let f = try WebFixture()
        try Self.unitFolders(f)
        let unit = try #require(f.tracker.plan.unit(id: "wutongshan"))
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            _ = try await lead.get("/items?unit=wutongshan")
            let response = try await lead.upload(fields: [("unit", "wutongshan"), ("item", "auto")], files: [("随便什么.pdf", [1])])
            #expect(response.status == .ok)
            #expect(Self.body(response).contains("已存入待分拣"))
            let unsorted = f.configuration.packRoot + "/" + unit.folderName + "/" + GeneratedName.unsortedFolder
            #expect(try FileManager.default.contentsOfDirectory(atPath: unsorted) == ["随便什么.pdf"])
        }
    }

    // MARK: Downloads

    @Test func aUnitsZipIsMadeOnDemandWithInternalFilesOnlyForThePreparationTeam() async throws {
        let (f, unitFolder) = try PackServingTests.fixture()
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            let unitPage = Self.body(try await lead.get("/units/wutongshan"))
            #expect(unitPage.contains("href=\"/units/wutongshan/zip\"") && !unitPage.contains("internal=1"))
            let zip = try await lead.get("/units/wutongshan/zip")
            #expect(zip.status == .ok && zip.headers[.contentType] == "application/zip")
            let bytes = Array(zip.body.readableBytesView)
            #expect(bytes.prefix(2) == [0x50, 0x4B])
            // Entry names are stored as they are (UTF-8) in the zip's headers.
            let names = String(decoding: bytes, as: UTF8.self)
            #expect(names.contains(unitFolder + "/") && names.contains("SHA256SUMS.txt"))
            let sheet = GeneratedName.walkthroughFolder + "/sheet.html"  // household data, put there by the fixture
            #expect(!names.contains(sheet))
            #expect(try await lead.get("/units/wutongshan/zip?internal=1").status == .forbidden)
            #expect(try await lead.get("/units/nowhere/zip").status == .notFound)
            var prep = Browser(client)
            _ = try await prep.signIn("p03")
            #expect(Self.body(try await prep.get("/units/wutongshan")).contains("/units/wutongshan/zip?internal=1"))
            let full = try await prep.get("/units/wutongshan/zip?internal=1")
            #expect(full.status == .ok)
            #expect(String(decoding: Array(full.body.readableBytesView), as: UTF8.self).contains(sheet))
        }
    }
}
