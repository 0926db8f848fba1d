import Foundation
import Hummingbird
import TaizhangCore
import TaizhangTracker

/// The handlers behind every route. They hold no rules of their own: changes go through
/// `Tracker`, exactly like the command line.
struct Pages: Sendable {
    let configuration: WebConfiguration
    var tracker: Tracker { configuration.tracker }
    var street: Street { tracker.workspace.street }

    // MARK: Responses

    func html(_ template: String, _ pairs: [String: Any?], status: HTTPResponse.Status = .ok, session: WebSession? = nil) -> Response {
        var values = Self.values(pairs)
        values["streetName"] = street.name
        values["year"] = street.year
        if let session {
            values["signedIn"] = true
            values["csrf"] = session.csrf
            values["me"] = personName(session.person)
            values["isPreparation"] = (try? tracker.person(session.person))?.isPreparationTeam ?? false
        }
        guard let bytes = try? configuration.templates.render(template, values) else {
            // A template name the code asks for but the set lacks: a server fault, never a blank page.
            return Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "页面模板 \(template) 不存在")))
        }
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A template row without its nil values (Mustache would print them as "nil").
    static func values(_ pairs: [String: Any?]) -> [String: Any] {
        pairs.compactMapValues { $0 }
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    func error(_ status: HTTPResponse.Status, _ message: String, session: WebSession?) -> Response {
        html("web-error", ["title": status == .forbidden ? "无权操作" : "请求有误", "message": message, "code": Int(status.code)], status: status, session: session)
    }

    func personName(_ id: String) -> String {
        street.person(id).map { "\($0.name)" } ?? id
    }

    /// Runs a page for a signed-in person; everyone else goes to the sign-in page.
    func signedIn(_ context: WebContext, _ body: (WebSession) throws -> Response) throws -> Response {
        guard let session = context.session else { return Self.redirect("/login") }
        return try body(session)
    }

    /// Reads a form posted by a signed-in person and checks its CSRF token.
    func postedForm(_ request: Request, _ context: WebContext) async throws -> (WebSession, Form)? {
        guard let session = context.session else { return nil }
        let form = try await Form.read(request)
        guard let token = form["csrf"], token == session.csrf else { return nil }
        return (session, form)
    }

    // MARK: Sign-in

    func login(request: Request, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        let token = Token.make()
        var response = html("web-login", ["loginToken": token, "error": error], status: status)
        response.setCookie(Cookie(name: WebApp.loginCookie, value: token, path: "/login", httpOnly: true, sameSite: .strict))
        return response
    }

    func signIn(request: Request, context: WebContext) async throws -> Response {
        let form = try await Form.read(request)
        guard let token = form["csrf"], token == request.cookies[WebApp.loginCookie]?.value else {
            return login(request: request, error: "页面已过期，请重新登录。", status: .forbidden)
        }
        let person = form.text("person") ?? ""
        let keys = ["person:" + person]
        let now = tracker.now()
        if await configuration.throttle.isBlocked(keys, now: now) {
            return login(request: request, error: "登录失败次数过多，请15分钟后再试。", status: .tooManyRequests)
        }
        guard street.person(person) != nil, try Accounts.verify(form["password"] ?? "", person: person, tracker: tracker) else {
            await configuration.throttle.recordFailure(keys, now: now)
            return login(request: request, error: "工号或密码不正确。", status: .unauthorized)
        }
        await configuration.throttle.reset(keys)
        let (sessionToken, _) = await configuration.sessions.create(person: person, now: now)
        var response = Self.redirect("/")
        response.setCookie(Cookie(name: WebApp.sessionCookie, value: sessionToken, path: "/", httpOnly: true, sameSite: .strict))
        return response
    }

    func signOut(request: Request, context: WebContext) async throws -> Response {
        guard let (_, _) = try await postedForm(request, context), let token = context.sessionToken else {
            return Self.redirect("/login")
        }
        await configuration.sessions.remove(token)
        var response = Self.redirect("/login")
        response.setCookie(Cookie(name: WebApp.sessionCookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
        return response
    }

    // MARK: Dashboard

    func dashboard(_ session: WebSession) throws -> Response {
        let today = TrackerFormat.day(tracker.now())
        let report = try StatusReport(tracker: tracker, today: today, scores: try MockScoring(tracker: tracker).estimatedScores())
        return html("web-dashboard", [
            "title": "进度总览",
            "today": report.today, "inspectionDate": report.inspectionDate,
            "countdown": report.countdown,
            "units": report.units.map { u in Self.values([
                "id": u.id, "number": u.number, "name": u.name, "items": u.counts.items, "done": u.counts.done,
                "filed": u.counts.filed, "verified": u.counts.verified, "percent": u.counts.percent,
                "flagged": u.counts.flagged > 0 ? String(u.counts.flagged) : nil as String?, "score": u.estimatedScore ?? "—",
            ]) },
            "groups": report.groups.map { g in Self.values([
                "number": g.number, "name": g.name, "items": g.counts.items, "done": g.counts.done, "percent": g.counts.percent,
                "openTasks": g.openTasks, "overdueTasks": g.overdueTasks, "behind": g.overdueTasks > 0,
            ]) },
            "overdue": report.overdue.map { Self.values(["id": $0.id, "title": $0.title, "owner": $0.owner, "due": $0.due ?? "", "days": $0.daysOverdue]) },
            "hasOverdue": !report.overdue.isEmpty,
            "orphaned": report.orphaned, "hasOrphaned": !report.orphaned.isEmpty,
        ], session: session)
    }

    // MARK: Items

    /// The units in which a person may change at least one item.
    func units(for person: Person) -> [UnitPlan] {
        tracker.plan.units.filter { unit in unit.items.contains { tracker.refusal(person: person, unit: unit, item: $0) == nil } }
    }

    func items(_ session: WebSession, request: Request) throws -> Response {
        let person = try tracker.person(session.person)
        let mine = units(for: person)
        let requested = request.uri.queryParameters.get("unit")
        guard let unit = requested.flatMap({ id in mine.first { $0.id == id } })
            ?? mine.first(where: { $0.id == person.community?.id }) ?? mine.first else {
            return html("web-items", ["title": "我的台账", "empty": true], session: session)
        }
        let records = Dictionary(try tracker.store.items().filter { $0.key.unit == unit.id }.map { ($0.key.item, $0) }, uniquingKeysWith: { a, _ in a })
        let unitRoot = configuration.packRoot + "/" + unit.folderName
        var rows: [[String: Any]] = []
        for binder in unit.binders {
            for item in binder.items where tracker.refusal(person: person, unit: unit, item: item) == nil {
                let record = records[item.item.code]
                let present = FileInventory.userFiles(in: unitRoot + "/" + binder.folderName + "/" + item.folderName).count
                let readiness = ItemReadiness(present: present, expected: item.item.expectedCount, status: record?.status, failedMock: record?.flagged ?? false)
                let status = readiness.status
                rows.append(Self.values([
                    "code": item.item.code, "title": item.item.title, "binder": binder.category.code + " " + binder.category.name,
                    "status": status.chinese, "statusClass": status.rawValue,
                    "by": record?.by.map(personName), "at": record?.at.map(TrackerFormat.timestamp),
                    "note": record?.note, "present": present, "expected": item.item.expectedCount, "flag": readiness.flagText,
                    "group": item.item.group.flatMap { street.group($0.id)?.name } ?? "",
                ]))
            }
        }
        return html("web-items", [
            "title": "我的台账 · \(unit.name)", "unitID": unit.id, "unitName": unit.name,
            "units": mine.map { Self.values(["id": $0.id, "name": "\($0.number) \($0.name)", "selected": $0.id == unit.id]) },
            "rows": rows, "count": rows.count,
        ], session: session)
    }

    func changeItem(request: Request, context: WebContext, untick: Bool) async throws -> Response {
        guard let (session, form) = try await postedForm(request, context) else {
            if context.session == nil { return Self.redirect("/login") }
            return error(.forbidden, "表单已过期或来源不明（CSRF 校验失败），请返回页面重新操作。", session: context.session)
        }
        guard let unit = form.text("unit"), let item = form.text("item") else {
            return error(.badRequest, "缺少社区或台账编号。", session: session)
        }
        do {
            if untick {
                try tracker.untick(item: item, unit: unit, by: session.person, note: form.text("note"))
            } else {
                guard let status = ItemStatus(argument: form["status"] ?? ItemStatus.ticked.rawValue) else {
                    return error(.badRequest, "未知的状态：\(form["status"] ?? "")", session: session)
                }
                try tracker.tick(item: item, unit: unit, by: session.person, status: status, note: form.text("note"))
            }
        } catch let failure as Tracker.Failure {
            if case .forbidden = failure { return error(.forbidden, failure.description, session: session) }
            return error(.badRequest, failure.description, session: session)
        }
        return Self.redirect("/items?unit=" + (unit.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? unit) + "#item-" + item)
    }

    // MARK: Tasks

    func tasks(_ session: WebSession) throws -> Response {
        let person = try tracker.person(session.person)
        let groups = Set(tracker.groups(of: person).map(\.id))
        let today = TrackerFormat.day(tracker.now())
        let tasks = try tracker.store.tasks().filter { person.isPreparationTeam || groups.contains($0.group) || $0.owner == person.id }
        return html("web-tasks", [
            "title": "任务清单",
            "tasks": tasks.map { t in Self.values([
                "id": t.id, "title": t.title, "group": street.group(t.group)?.label ?? t.group,
                "owner": personName(t.owner), "due": t.due?.description ?? "—", "state": t.state.chinese,
                "done": t.state == .done, "overdue": t.isOverdue(on: today),
                "doneBy": t.doneBy.map(personName), "doneAt": t.doneAt.map(TrackerFormat.timestamp),
            ]) },
            "count": tasks.count,
        ], session: session)
    }

    func changeTask(request: Request, context: WebContext, to state: TaskState) async throws -> Response {
        guard let (session, form) = try await postedForm(request, context) else {
            if context.session == nil { return Self.redirect("/login") }
            return error(.forbidden, "表单已过期或来源不明（CSRF 校验失败），请返回页面重新操作。", session: context.session)
        }
        guard let id = form.text("task") else { return error(.badRequest, "缺少任务编号。", session: session) }
        do {
            try tracker.setTask(id, to: state, by: session.person, note: form.text("note"))
        } catch let failure as Tracker.Failure {
            if case .forbidden = failure { return error(.forbidden, failure.description, session: session) }
            return error(.badRequest, failure.description, session: session)
        }
        return Self.redirect("/tasks#task-" + id)
    }

    // MARK: Audit log

    func log(_ session: WebSession, request: Request) throws -> Response {
        let query = request.uri.queryParameters
        func param(_ name: String) -> String? {
            guard let value = query.get(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        var filter = EventFilter(unit: param("unit"), actor: param("actor"), limit: 500)
        if let kind = param("kind") { filter.kind = TrackerEvent.Kind(rawValue: kind) }
        if let since = param("since").flatMap(Day.init) { filter.since = TrackerFormat.start(of: since) }
        let events = try tracker.store.events(filter).reversed()
        let kinds = TrackerEvent.Kind.allCases
        return html("web-log", [
            "title": "操作记录",
            "events": events.map { e in Self.values([
                "at": TrackerFormat.timestamp(e.at), "actor": "\(personName(e.actor))（\(e.actor)）", "kind": e.kind.chinese,
                "refusal": e.kind == .refusal, "unit": tracker.plan.unit(id: e.unit)?.name ?? e.unit, "subject": e.subject,
                "change": e.changeLabel, "note": e.note,
            ]) },
            "count": events.count,
            "units": tracker.plan.units.map { Self.values(["id": $0.id, "name": $0.name, "selected": $0.id == filter.unit]) },
            "kinds": kinds.map { Self.values(["id": $0.rawValue, "name": $0.chinese, "selected": $0 == filter.kind]) },
            "actor": filter.actor ?? "", "since": param("since") ?? "",
        ], session: session)
    }

    // MARK: Readiness per unit

    func unit(_ session: WebSession, id: String) throws -> Response {
        guard let unit = tracker.plan.unit(id: id) else { return error(.notFound, "没有这个社区：\(id)", session: session) }
        let records = Dictionary(try tracker.store.items().filter { $0.key.unit == unit.id }.map { ($0.key.item, $0) }, uniquingKeysWith: { a, _ in a })
        let unitRoot = configuration.packRoot + "/" + unit.folderName
        var complete = 0, total = 0
        let binders: [[String: Any]] = unit.binders.map { binder in
            ["name": binder.category.code + " " + binder.category.name, "items": binder.items.map { item -> [String: Any] in
                let present = FileInventory.userFiles(in: unitRoot + "/" + binder.folderName + "/" + item.folderName).count
                let record = records[item.item.code]
                let readiness = ItemReadiness(present: present, expected: item.item.expectedCount, status: record?.status, failedMock: record?.flagged ?? false)
                total += 1
                if readiness.completeness.isSatisfied { complete += 1 }
                return Self.values(["code": item.item.code, "title": item.item.title, "present": present, "expected": item.item.expectedCount,
                        "complete": readiness.completeness.isSatisfied, "status": readiness.status.chinese, "flag": readiness.flagText,
                        "by": record?.by.map(personName), "at": record?.at.map(TrackerFormat.timestamp)])
            }]
        }
        let hasIndex = FileManager.default.fileExists(atPath: unitRoot + "/" + GeneratedName.index)
        return html("web-unit", [
            "title": "准备情况 · \(unit.name)", "unitID": unit.id, "unitName": unit.name, "binders": binders,
            "complete": complete, "total": total, "hasIndex": hasIndex,
        ], session: session)
    }

    /// The generated index of a unit, as written into the pack (it holds no household data).
    func generatedIndex(id: String) -> Response {
        guard let unit = tracker.plan.unit(id: id),
              let data = FileManager.default.contents(atPath: configuration.packRoot + "/" + unit.folderName + "/" + GeneratedName.index) else {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "尚未生成台账索引：请先运行 taizhang generate")))
        }
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
