import Foundation
import Hummingbird
import TaizhangCore
import TaizhangTracker

/// "My items": the items a person may change, with tick and untick.
struct ItemsController: Sendable {
    let configuration: WebConfiguration
    let renderer: WebRenderer

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("items", use: list)
        group.post("items/tick") { request, context in try await change(context, untick: false) }
        group.post("items/untick") { request, context in try await change(context, untick: true) }
    }

    /// The statuses a tick may set; anything else answers 400 (never a silent "ticked").
    static func settableStatus(_ raw: String) -> ItemStatus? {
        guard let status = ItemStatus(rawValue: raw), status != .notReviewed else { return nil }
        return status
    }

    @Sendable func list(_ request: Request, context: WebContext) async throws -> Response {
        guard let session = context.session else { return WebRenderer.redirect("/login") }
        let requested = request.uri.queryParameters.get("unit")
        let (configuration, renderer) = (self.configuration, self.renderer)
        let page = try await Blocking.run { try Self.model(configuration, renderer: renderer, person: session.person, requested: requested) }
        let title = page.unit.map { "我的台账 · \($0.unitName)" } ?? "我的台账"
        return renderer.page("web-items", title: title, page, session: session)
    }

    /// The units in which a person may change at least one item.
    static func units(for person: Person, tracker: Tracker) -> [UnitPlan] {
        tracker.plan.units.filter { unit in unit.items.contains { tracker.refusal(person: person, unit: unit, item: $0) == nil } }
    }

    static func model(_ configuration: WebConfiguration, renderer: WebRenderer, person id: String, requested: String?) throws -> ItemsPage {
        let tracker = configuration.tracker
        let person = try tracker.person(id)
        let mine = units(for: person, tracker: tracker)
        guard
            let unit = requested.flatMap({ id in mine.first { $0.id == id } })
                ?? mine.first(where: { $0.id == person.community?.id }) ?? mine.first
        else {
            return ItemsPage(unit: nil)
        }
        let records = Dictionary(try tracker.items().filter { $0.key.unit == unit.id }.map { ($0.key.item, $0) }, uniquingKeysWith: { a, _ in a })
        let paths = PackPaths(packRoot: configuration.packRoot)
        var rows: [ItemsPage.Row] = []
        for binder in unit.binders {
            for item in binder.items where tracker.refusal(person: person, unit: unit, item: item) == nil {
                let record = records[item.item.code]
                let present = FileInventory.userFiles(in: paths.itemRoot(unit, binder, item)).count
                let status = record?.status ?? .notReviewed
                let readiness = ItemReadiness(
                    item: item.item, present: present, status: record?.status, note: record?.note, failedMock: record?.flagged ?? false)
                rows.append(
                    ItemsPage.Row(
                        code: item.item.code, title: item.item.title, binder: binder.category.code + " " + binder.category.name,
                        group: item.item.group.flatMap { tracker.workspace.street.group($0.id)?.name } ?? "",
                        status: status.chinese, statusClass: status.rawValue,
                        by: record?.by.map(renderer.personName), at: record?.at.map(ChinaTime.timestamp),
                        note: record?.note, present: present, expected: item.item.expectedCount, flag: readiness.flagText))
            }
        }
        return ItemsPage(
            unit: .init(
                unitID: unit.id, unitName: unit.name,
                units: mine.map { SelectOption(id: $0.id, name: "\($0.number) \($0.name)", selected: $0.id == unit.id) },
                rows: rows))
    }

    func change(_ context: WebContext, untick: Bool) async throws -> Response {
        guard let session = context.session, let form = context.form else { return WebRenderer.redirect("/login") }
        guard let unit = form.text("unit"), let item = form.text("item") else {
            return renderer.error(.badRequest, "缺少\(configuration.tracker.workspace.street.terms.lower)或台账编号。", session: session)
        }
        var status = ItemStatus.ticked
        if !untick, let raw = form.text("status") {
            guard let parsed = Self.settableStatus(raw) else {
                return renderer.error(.badRequest, "未知的状态“\(raw)”：只能是已归档、已确认、已抽验或不适用。", session: session)
            }
            status = parsed
        }
        let (tracker, note, newStatus) = (configuration.tracker, form.text("note"), status)
        do {
            _ = try await Blocking.run {
                if untick {
                    try tracker.untick(item: item, unit: unit, by: session.person, note: note)
                } else {
                    try tracker.tick(item: item, unit: unit, by: session.person, status: newStatus, note: note)
                }
            }
        } catch let failure as Tracker.Failure {
            if case .forbidden = failure { return renderer.error(.forbidden, failure.description, session: session) }
            return renderer.error(.badRequest, failure.description, session: session)
        }
        return WebRenderer.redirect("/items?unit=" + PackFiles.encode(unit) + "#item-" + PackFiles.encode(item))
    }
}
