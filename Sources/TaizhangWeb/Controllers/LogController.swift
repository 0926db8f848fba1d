import Foundation
import Hummingbird
import TaizhangCore
import TaizhangTracker

/// The audit log, newest first, filtered by unit, kind, person and date, with item and task
/// titles, unit and person names; the same view as a CSV file for Excel.
struct LogController: Sendable {
    let configuration: WebConfiguration
    let renderer: WebRenderer

    static let kinds: [(id: String, name: String)] = TrackerEvent.Kind.allCases.map { ($0.rawValue, $0.chinese) }

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("log", use: show)
        group.get("log.csv", use: csv)
    }

    struct Query: Sendable {
        var filter: EventFilter
        var since: String
        var actor: String

        init(_ request: Request, tracker: Tracker) {
            let query = request.uri.queryParameters
            func param(_ name: String) -> String? {
                guard let value = query.get(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty, value.count <= 64 else { return nil }
                return value
            }
            actor = param("actor") ?? ""
            // A person is found by id or by name (the name of exactly one person).
            let people = tracker.workspace.street.people
            let actorID = param("actor").map { typed in people.first { $0.id == typed }?.id ?? SignInController.personID(typed, people: people) ?? typed }
            filter = EventFilter(unit: param("unit"), actor: actorID, limit: 500)
            if let kind = param("kind") { filter.kind = TrackerEvent.Kind(rawValue: kind) }
            since = param("since").flatMap { Day($0) == nil ? nil : $0 } ?? ""
            if let day = Day(since) { filter.since = ChinaTime.start(of: day) }
        }

        var string: String {
            [("unit", filter.unit), ("kind", filter.kind?.rawValue), ("actor", actor.isEmpty ? nil : actor), ("since", since.isEmpty ? nil : since)]
                .compactMap { name, value in value.map { "\(name)=\(PackFiles.encode($0))" } }.joined(separator: "&")
        }
    }

    @Sendable func show(_ request: Request, context: WebContext) async throws -> Response {
        guard let session = context.session else { return WebRenderer.redirect("/login") }
        let (tracker, renderer, query) = (configuration.tracker, self.renderer, Query(request, tracker: configuration.tracker))
        let page = try await Blocking.run { try Self.model(tracker, renderer: renderer, query: query) }
        return renderer.page("web-log", title: "操作记录", page, session: session)
    }

    static func rows(_ tracker: Tracker, renderer: WebRenderer, filter: EventFilter) throws -> [LogPage.Row] {
        let tasks = Dictionary(try tracker.webTasks().map { ($0.id, $0.title) }, uniquingKeysWith: { a, _ in a })
        return try tracker.webEvents(filter).reversed().map { e in
            let unit = tracker.plan.unit(id: e.unit)
            let title =
                unit.flatMap { u in u.items.first { $0.item.code == e.subject }?.item.title }
                ?? (e.kind == .task || (e.kind == .refusal && e.unit.isEmpty) ? tasks[e.subject] : nil) ?? ""
            return LogPage.Row(
                at: ChinaTime.timestamp(e.at), actor: "\(renderer.personName(e.actor))（\(e.actor)）",
                kind: e.kind.chinese, refusal: e.kind == .refusal,
                unit: unit?.name ?? e.unit, subject: e.subject, title: title, change: e.changeLabel, note: e.note)
        }
    }

    static func model(_ tracker: Tracker, renderer: WebRenderer, query: Query) throws -> LogPage {
        let filter = query.filter
        return LogPage(
            events: try rows(tracker, renderer: renderer, filter: filter),
            units: tracker.plan.units.map { SelectOption(id: $0.id, name: $0.name, selected: $0.id == filter.unit) },
            kinds: kinds.map { SelectOption(id: $0.id, name: $0.name, selected: $0.id == filter.kind?.rawValue) },
            actor: query.actor, since: query.since, csvHref: "/log.csv" + (query.string.isEmpty ? "" : "?" + query.string))
    }

    /// The filtered log as CSV: UTF-8 with a byte-order mark (Excel on Windows), CRLF lines,
    /// and every cell that a spreadsheet would read as a formula prefixed with `'`.
    @Sendable func csv(_ request: Request, context: WebContext) async throws -> Response {
        guard context.session != nil else { return WebRenderer.redirect("/login") }
        let (tracker, renderer, query) = (configuration.tracker, self.renderer, Query(request, tracker: configuration.tracker))
        let rows = try await Blocking.run { try Self.rows(tracker, renderer: renderer, filter: query.filter) }
        var lines = [["时间", "人员", "类别", "单位", "对象", "名称", "变化", "备注"]]
        lines += rows.map { [$0.at, $0.actor, $0.kind, $0.unit, $0.subject, $0.title, $0.change, $0.note ?? ""] }
        let text = "\u{FEFF}" + lines.map { $0.map(CSVCell.quoted).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"log.csv\"; filename*=UTF-8''" + PackFiles.encode("操作记录.csv"),
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// One CSV cell, safe to open in a spreadsheet.
enum CSVCell {
    /// Characters that make a spreadsheet read a cell as a formula when they come first.
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    static func quoted(_ value: String) -> String {
        var cell = value
        if let first = cell.unicodeScalars.first, formulaStarts.contains(Character(first)) { cell = "'" + cell }
        guard cell.unicodeScalars.contains(where: { ",\"\n\r".unicodeScalars.contains($0) }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
