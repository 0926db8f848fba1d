import Foundation
import Hummingbird
import TaizhangCore
import TaizhangTracker

/// The items list (filter, search, tick, bulk tick) and one item's page (documents, upload).
/// By default a person sees the items they may change ("my items"); `scope=all` lists every
/// item, the others read-only.
struct ItemsController: Sendable {
    let configuration: WebConfiguration
    let renderer: WebRenderer
    /// Each session's rows of its last items page: a reload renders only rows that changed.
    let fragments = SessionFragments()
    /// The most items one bulk change may name.
    static let maximumPicks = 500

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("items", use: list)
        group.get("items/{unit}/{code}", use: detail)
        group.post("items/tick") { request, context in try await change(context, untick: false) }
        group.post("items/untick") { request, context in try await change(context, untick: true) }
        group.post("items/bulk", use: bulk)
    }

    /// The statuses a tick may set; anything else answers 400 (never a silent "ticked").
    static func settableStatus(_ raw: String) -> ItemStatus? {
        guard let status = ItemStatus(rawValue: raw), status != .notReviewed else { return nil }
        return status
    }

    static func detailHref(unit: String, code: String) -> String { "/items/\(PackFiles.encode(unit))/\(PackFiles.encode(code))" }

    static func anchor(unit: String, code: String, filter: ItemFilter) -> String {
        anchor(unit: unit, code: code, inOneUnit: filter.unit != nil)
    }

    static func anchor(unit: String, code: String, inOneUnit: Bool) -> String {
        inOneUnit ? "item-\(code)" : "item-\(unit)-\(code)"
    }

    @Sendable func list(_ request: Request, context: WebContext) async throws -> Response {
        guard let session = context.session else { return WebRenderer.redirect("/login") }
        let query = request.uri.queryParameters
        let filter = ItemFilter(query: { query.get($0) })
        let tracker = configuration.tracker
        let flash = WebMessages.flash(query.get("ok"), code: query.get("code"), tracker: tracker, unit: query.get("in"))
        let (configuration, renderer) = (self.configuration, self.renderer)
        let page = try await Blocking.run {
            try Self.model(configuration, renderer: renderer, person: session.person, filter: filter, flash: flash)
        }
        let scope = page.all ? "全部台账" : "我的台账"
        return renderer.page(
            "web-items", title: page.unitName.map { "\(scope) · \($0)" } ?? scope, page, session: session, fragments: fragments.fragments(for: session))
    }

    /// The units in which a person may change at least one item.
    static func units(for person: Person, tracker: Tracker) -> [UnitPlan] {
        tracker.unitsWithChanges(for: person)
    }

    static func model(_ configuration: WebConfiguration, renderer: WebRenderer, person id: String, filter requested: ItemFilter, flash: String?) throws -> ItemsPage {
        let tracker = configuration.tracker
        let person = try tracker.person(id)
        let mine = units(for: person, tracker: tracker)
        var filter = requested
        if let unit = filter.unit, filter.all ? tracker.plan.unit(id: unit) == nil : !mine.contains(where: { $0.id == unit }) {
            filter.unit = nil
        }
        if filter.unit == nil, !filter.all {
            filter.unit = (mine.first { $0.id == person.community?.id } ?? mine.first)?.id
        }
        let shown: [UnitPlan] =
            if let unit = filter.unit { tracker.plan.units.filter { $0.id == unit } } else { filter.all ? tracker.plan.units : [] }
        let groupName: (String) -> String? = { tracker.workspace.street.group($0)?.name }
        // Filtered in the loop: a filtered copy of the entries copied every entry's plans.
        let entries = try ItemEntries.read(configuration, units: shown)
        var rows: [ItemsPage.Row] = []
        rows.reserveCapacity(entries.count)
        // Who ticked, by name: a few people tick most rows (`renderer.personName` as a closure
        // copied the renderer, street and all, for every row).
        var names: [String: String] = [:]
        func name(_ id: String) -> String {
            if let known = names[id] { return known }
            let name = renderer.personName(id)
            names[id] = name
            return name
        }
        for entry in entries where filter.matches(entry, groupName: groupName) {
            let changeable = tracker.mayChange(person: person, unit: entry.unit, item: entry.item)
            if !filter.all, !changeable { continue }
            let record = entry.record
            rows.append(
                ItemsPage.Row(
                    anchor: filter.unit == nil ? entry.location.anchorInList : entry.location.anchorInUnit, unitID: entry.unit.id,
                    unitName: entry.unit.name, code: entry.code, title: entry.location.title, binder: entry.location.binderLabel,
                    group: entry.location.groupName,
                    status: entry.status.chinese, statusClass: entry.status.rawValue,
                    by: record?.by.map(name), at: record?.at.map(ChinaTime.timestamp),
                    note: record?.note, present: entry.readiness.present, expected: entry.readiness.expected, flag: entry.readiness.flagText,
                    changeable: changeable, canUndo: changeable && entry.status != .notReviewed,
                    detailHref: entry.detailHref, sheetHref: entry.sheetHref))
        }
        let unitChoices = filter.all ? tracker.plan.units : mine
        let binders = (shown.first ?? tracker.plan.units.first)?.binders ?? []
        var mineFilter = filter
        mineFilter.all = false
        var allFilter = filter
        allFilter.all = true
        let unit = filter.unit.flatMap { tracker.plan.unit(id: $0) }
        return ItemsPage(
            units: unitChoices.map { SelectOption(id: $0.id, name: "\($0.number) \($0.name)", selected: $0.id == filter.unit) },
            binders: binders.map {
                SelectOption(id: $0.category.code, name: "\($0.category.code) \($0.category.name)", selected: $0.category.code == filter.binder)
            },
            groups: tracker.workspace.street.groups.map { SelectOption(id: $0.id, name: $0.label, selected: $0.id == filter.group) },
            statuses: ItemFilter.statuses.map { SelectOption(id: $0.id, name: $0.name, selected: $0.id == filter.status) },
            flags: ItemFilter.flags.map { SelectOption(id: $0.id, name: $0.name, selected: $0.id == filter.flag) },
            text: filter.text ?? "", all: filter.all, query: filter.query, mineHref: mineFilter.href(), allHref: allFilter.href(),
            flash: flash, rows: rows, unitID: unit?.id, unitName: unit?.name,
            canUpload: unit.map { u in mine.contains { $0.id == u.id } } ?? false, noneOfMine: mine.isEmpty)
    }

    @Sendable func detail(_ request: Request, context: WebContext) async throws -> Response {
        guard let session = context.session else { return WebRenderer.redirect("/login") }
        let tracker = configuration.tracker
        guard let unit = tracker.plan.unit(id: context.parameters.get("unit") ?? ""),
            let item = unit.items.first(where: { $0.item.code == context.parameters.get("code") })
        else {
            return renderer.error(.notFound, "没有这个单位或台账条目。", session: session)
        }
        let (configuration, renderer) = (self.configuration, self.renderer)
        let page = try await Blocking.run { try Self.itemModel(configuration, renderer: renderer, person: session.person, unit: unit, item: item) }
        return renderer.page("web-item", title: "\(item.item.code) \(item.item.title) · \(unit.name)", page, session: session)
    }

    static func itemModel(_ configuration: WebConfiguration, renderer: WebRenderer, person id: String, unit: UnitPlan, item: ItemPlan) throws -> ItemPage {
        let tracker = configuration.tracker
        let person = try tracker.person(id)
        guard let entry = try ItemEntries.read(configuration, units: [unit]).first(where: { $0.code == item.item.code }) else {
            throw Tracker.Failure.unknownItem(item.item.code, unit: unit.name)
        }
        let folder = [unit.folderName, entry.binder.folderName, item.folderName]
        let files = PackFiles(root: configuration.packRoot)
        let documents: [ItemPage.Document]
        if case .folder(let path)? = try? files.resolve(folder) {
            documents = files.list(path).filter { !$0.isFolder && !FileInventory.isGenerated($0.name) && !FileInventory.isNoise($0.name) }.map {
                .init(name: $0.name, href: PackFiles.href(folder + [$0.name]), size: PackController.size($0.size))
            }
        } else {
            documents = []
        }
        return ItemPage(
            unitID: unit.id, unitName: unit.name, code: item.item.code, itemTitle: item.item.title,
            binder: entry.binder.category.code + " " + entry.binder.category.name,
            group: item.item.group.flatMap { tracker.workspace.street.group($0.id)?.label } ?? "",
            status: entry.status.chinese, flag: entry.readiness.flagText, present: entry.readiness.present, expected: entry.readiness.expected,
            documents: documents, sheetHref: entry.sheetHref,
            folderHref: documents.isEmpty ? nil : PackFiles.href(folder, folder: true),
            changeable: tracker.mayChange(person: person, unit: unit, item: item),
            limit: PackController.size(configuration.uploads.maximumFileBytes))
    }

    func failure(_ error: Tracker.Failure, session: WebSession) -> Response {
        let tracker = configuration.tracker
        if case .forbidden = error { return renderer.error(.forbidden, WebMessages.text(error, tracker: tracker), session: session) }
        return renderer.error(.badRequest, WebMessages.text(error, tracker: tracker), session: session)
    }

    func change(_ context: WebContext, untick: Bool) async throws -> Response {
        guard let session = context.session, let form = context.form else { return WebRenderer.redirect("/login") }
        guard let unit = form.text("unit"), let item = form.text("item") else {
            return renderer.error(.badRequest, "缺少单位或台账编号。", session: session)
        }
        var status = ItemStatus.ticked
        if !untick, let raw = form.text("status") {
            guard let parsed = Self.settableStatus(raw) else {
                return renderer.error(.badRequest, "未知的状态“\(raw)”：只能是已归档、已确认、已抽验或不适用。", session: session)
            }
            status = parsed
        }
        let (tracker, note, newStatus) = (configuration.tracker, form.text("note"), status)
        let event: TrackerEvent?
        do {
            event = try await Blocking.run {
                if untick {
                    try tracker.untick(item: item, unit: unit, by: session.person, note: note)
                } else {
                    try tracker.tick(item: item, unit: unit, by: session.person, status: newStatus, note: note)
                }
            }
        } catch let error as Tracker.Failure {
            if case .forbidden = error, let person = try? tracker.person(session.person), let plan = tracker.plan.unit(id: unit),
                let itemPlan = plan.items.first(where: { $0.item.code == item })
            {
                return renderer.error(.forbidden, WebMessages.refusal(person: person, unit: plan, item: itemPlan, tracker: tracker), session: session)
            }
            return failure(error, session: session)
        }
        let filter = form.text("return").map(ItemFilter.init(queryString:)) ?? ItemFilter(unit: unit)
        let kind = event == nil ? "unchanged" : untick ? "untick" : newStatus.rawValue
        return WebRenderer.redirect(
            filter.href([("ok", kind), ("code", item), ("in", unit)]) + "#" + PackFiles.encode(Self.anchor(unit: unit, code: item, filter: filter)))
    }

    /// Ticks (or files) every picked item with one status and note. Each item is checked and
    /// logged on its own, as if ticked one by one; refusals are reported item by item.
    @Sendable func bulk(_ request: Request, context: WebContext) async throws -> Response {
        guard let session = context.session, let form = context.form else { return WebRenderer.redirect("/login") }
        let picks = form.values("pick")
        let filter = form.text("return").map(ItemFilter.init(queryString:)) ?? ItemFilter()
        guard !picks.isEmpty else { return renderer.error(.badRequest, "请先勾选要批量处理的条目。", session: session) }
        guard picks.count <= Self.maximumPicks else {
            return renderer.error(.badRequest, "一次最多批量处理 \(Self.maximumPicks) 项。", session: session)
        }
        guard let raw = form.text("status"), let status = Self.settableStatus(raw) else {
            return renderer.error(.badRequest, "请选择状态：已归档、已确认、已抽验或不适用。", session: session)
        }
        let note = form.text("note")
        if status == .notApplicable, note == nil {
            return renderer.error(.badRequest, WebMessages.text(.reasonRequired, tracker: configuration.tracker), session: session)
        }
        let tracker = configuration.tracker
        let rows = try await Blocking.run { () throws -> [ResultPage.Row] in
            let person = try tracker.person(session.person)
            return picks.map { pick -> ResultPage.Row in
                let parts = pick.split(separator: "/", maxSplits: 1).map(String.init)
                guard parts.count == 2, let unit = tracker.plan.unit(id: parts[0]), let item = unit.items.first(where: { $0.item.code == parts[1] }) else {
                    return .init(subject: pick, outcome: "没有这个条目。", refused: true)
                }
                let subject = "\(unit.name) \(item.item.code) \(item.item.title)"
                do {
                    let event = try tracker.tick(item: item.item.code, unit: unit.id, by: person.id, status: status, note: note)
                    return .init(subject: subject, outcome: event == nil ? "状态没有变化" : "已标为\(status.chinese)", refused: false)
                } catch Tracker.Failure.forbidden {
                    return .init(subject: subject, outcome: WebMessages.refusal(person: person, unit: unit, item: item, tracker: tracker), refused: true)
                } catch let error as Tracker.Failure {
                    return .init(subject: subject, outcome: WebMessages.text(error, tracker: tracker), refused: true)
                } catch {
                    return .init(subject: subject, outcome: "保存失败，请稍后再试。", refused: true)
                }
            }
        }
        let refused = rows.filter(\.refused).count
        let page = ResultPage(
            heading: "批量处理结果",
            summary: "共 \(rows.count) 项：\(rows.count - refused) 项已处理" + (refused > 0 ? "，\(refused) 项未处理（原因见下）。" : "。"),
            rows: rows, backHref: filter.href())
        return renderer.page("web-result", title: "批量处理结果", page, session: session, status: refused == rows.count ? .forbidden : .ok)
    }
}
