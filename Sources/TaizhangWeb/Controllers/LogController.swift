import Hummingbird
import TaizhangCore
import TaizhangTracker

/// The audit log, newest first, filtered by unit, kind, person and date.
struct LogController: Sendable {
    let configuration: WebConfiguration
    let renderer: WebRenderer

    static let kinds: [(id: String, name: String)] = [("item", "台账"), ("task", "任务"), ("mock", "模拟检查"), ("refusal", "拒绝"), ("account", "账号")]

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("log", use: show)
    }

    @Sendable func show(_ request: Request, context: WebContext) async throws -> Response {
        guard let session = context.session else { return WebRenderer.redirect("/login") }
        let query = request.uri.queryParameters
        func param(_ name: String) -> String? {
            guard let value = query.get(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty, value.count <= 64 else { return nil }
            return value
        }
        var filter = EventFilter(unit: param("unit"), actor: param("actor"), limit: 500)
        if let kind = param("kind") { filter.kind = TrackerEvent.Kind(rawValue: kind) }
        if let since = param("since").flatMap(Day.init) { filter.since = ChinaTime.start(of: since) }
        let (tracker, renderer, since, eventFilter) = (configuration.tracker, self.renderer, param("since") ?? "", filter)
        let page = try await Blocking.run { try Self.model(tracker, renderer: renderer, filter: eventFilter, since: since) }
        return renderer.page("web-log", title: "操作记录", page, session: session)
    }

    static func model(_ tracker: Tracker, renderer: WebRenderer, filter: EventFilter, since: String) throws -> LogPage {
        let events = try tracker.events(filter).reversed()
        func status(_ raw: String?) -> String {
            raw.flatMap(ItemStatus.init(rawValue:))?.chinese ?? raw.flatMap(TaskState.init(rawValue:))?.chinese ?? raw ?? ""
        }
        return LogPage(
            events: events.map { e in
                .init(
                    at: ChinaTime.timestamp(e.at), actor: "\(renderer.personName(e.actor))（\(e.actor)）",
                    kind: kinds.first { $0.id == e.kind.rawValue }?.name ?? e.kind.rawValue, refusal: e.kind == .refusal,
                    unit: tracker.plan.unit(id: e.unit)?.name ?? e.unit, subject: e.subject,
                    change: e.kind == .refusal || e.kind == .account ? "" : "\(status(e.old)) → \(status(e.new))", note: e.note)
            },
            units: tracker.plan.units.map { SelectOption(id: $0.id, name: $0.name, selected: $0.id == filter.unit) },
            kinds: kinds.map { SelectOption(id: $0.id, name: $0.name, selected: $0.id == filter.kind?.rawValue) },
            actor: filter.actor ?? "", since: since)
    }
}
