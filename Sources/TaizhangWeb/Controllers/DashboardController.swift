import Foundation
import Hummingbird
import TaizhangCore
import TaizhangTracker

/// The progress overview: where we are (per unit and the street), what is late (overdue, due
/// soon, blocked), what costs points (estimate, gaps, 一票否决); every number links to the
/// list behind it. Also each group's 督办单.
struct DashboardController: Sendable {
    let configuration: WebConfiguration
    let renderer: WebRenderer
    /// Tasks due within this many days count as due soon.
    static let soon = 7

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("/", use: show)
        group.get("groups/{id}/duban", use: duban)
    }

    @Sendable func show(_ request: Request, context: WebContext) async throws -> Response {
        let configuration = self.configuration
        let page = try await Blocking.run { try Self.model(configuration) }
        return renderer.page("web-dashboard", title: "进度总览", page, session: context.session)
    }

    static func items(_ filter: ItemFilter) -> String {
        var filter = filter
        filter.all = true
        return filter.href()
    }

    static func figure(_ value: Int, _ filter: ItemFilter) -> Figure { Figure(value: String(value), href: items(filter)) }

    static func row(id: String?, number: String, name: String, entries: [ItemEntry], score: String) -> DashboardPage.UnitRow {
        let totals = EntryTotals(entries)
        let base = ItemFilter(unit: id)
        func with(status: String? = nil, flag: String? = nil) -> ItemFilter {
            var filter = base
            filter.status = status
            filter.flag = flag
            return filter
        }
        return DashboardPage.UnitRow(
            id: id ?? "", number: number, name: name, href: id.map { "/units/" + PackFiles.encode($0) } ?? items(base),
            items: figure(totals.items, base), done: figure(totals.done, with(status: "done")),
            filed: figure(totals.filed, with(status: ItemStatus.filed.rawValue)), percent: totals.percent,
            complete: figure(totals.complete, with(flag: "docs-complete")), filesPercent: totals.filesPercent,
            claimedIncomplete: figure(totals.claimedButIncomplete, with(flag: "claimed-incomplete")),
            failedMocks: figure(totals.failedMocks, with(flag: ReadinessFlag.failedMock.rawValue)), score: score)
    }

    static func model(_ configuration: WebConfiguration) throws -> DashboardPage {
        let tracker = configuration.tracker
        let today = ChinaTime.day(tracker.now())
        let scoring = MockScoring(tracker: tracker)
        // One estimate for the scores column and the gaps: it reads every record and document.
        let cards = try scoring.scores()
        let report = try StatusReport(tracker: tracker, today: today, estimate: cards)
        let entries = try ItemEntries.read(configuration, units: tracker.plan.units)
        let byUnit = Dictionary(grouping: entries, by: { $0.unit.id })
        let tasks = try Self.tasks(tracker, today: today)
        return DashboardPage(
            today: report.today, inspectionDate: report.inspectionDate,
            countdown: report.countdown,
            total: row(id: nil, number: "", name: "合计（全部单位）", entries: entries, score: ""),
            units: report.units.map { u in
                row(id: u.id, number: u.number, name: u.name, entries: byUnit[u.id] ?? [], score: u.estimatedScore ?? "—")
            },
            groups: report.groups.map { g in
                let filter = ItemFilter(group: g.id)
                return .init(
                    id: g.id, number: g.number, name: g.name, items: figure(g.counts.items, filter),
                    done: figure(g.counts.done, ItemFilter(group: g.id, status: "done")), percent: g.counts.percent,
                    openTasks: Figure(value: String(g.openTasks), href: "/tasks?group=\(PackFiles.encode(g.id))&state=open"),
                    overdueTasks: Figure(value: String(g.overdueTasks), href: "/tasks?group=\(PackFiles.encode(g.id))&state=overdue"),
                    behind: g.overdueTasks > 0, dubanHref: "/groups/\(PackFiles.encode(g.id))/duban")
            },
            overdue: tasks.overdue, dueSoon: tasks.dueSoon, blocked: tasks.blocked,
            veto: entries.filter(\.vetoUnsafe).map { e in
                .init(
                    unit: e.unit.name, code: e.code, title: e.item.item.title, indicator: "\(e.item.indicator.code) \(e.item.indicator.name)",
                    reason: e.vetoReason, href: ItemsController.detailHref(unit: e.unit.id, code: e.code))
            },
            orphaned: report.orphaned,
            gaps: try scoring.gaps(scores: cards).prefix(10).map { g in
                .init(
                    points: "+\(g.points)", unit: g.unitName, indicator: "\(g.indicator) \(g.indicatorName)",
                    subject: g.subject, reason: g.reason,
                    group: g.groupName ?? g.group ?? "", task: g.task.map { "\($0.id) \($0.title)" })
            })
    }

    struct Tasks {
        var overdue: [DashboardPage.TaskRow]
        var dueSoon: [DashboardPage.TaskRow]
        var blocked: [DashboardPage.TaskRow]
    }

    /// Overdue (most overdue first), due within `soon` days (soonest first), and blocked tasks
    /// with their reasons; of one group when given.
    static func tasks(_ tracker: Tracker, today: Day, group: String? = nil) throws -> Tasks {
        let street = tracker.workspace.street
        let all = try tracker.webTasks().filter { group == nil || $0.group == group }
        let reasons = all.contains { $0.state == .blocked } ? try tracker.webBlockedReasons() : [:]
        func row(_ t: TaskRecord, days: Int) -> DashboardPage.TaskRow {
            .init(
                id: t.id, title: t.title, group: street.group(t.group)?.label ?? t.group, owner: street.person(t.owner)?.name ?? t.owner,
                due: t.due?.description ?? "—", days: days, reason: t.state == .blocked ? (reasons[t.id] ?? "") : nil,
                href: "/tasks?group=\(PackFiles.encode(t.group))#task-\(PackFiles.encode(t.id))")
        }
        let overdue = all.filter { $0.isOverdue(on: today) }
            .sorted { ($0.due ?? today, $0.id) < ($1.due ?? today, $1.id) }
            .map { row($0, days: Deadline.daysOverdue(due: $0.due, today: today)) }
        let dueSoon = all.filter { t in
            guard t.state != .done, let due = t.due else { return false }
            let left = today.days(until: due)
            return left >= 0 && left <= soon
        }
        .sorted { ($0.due ?? today, $0.id) < ($1.due ?? today, $1.id) }
        .map { row($0, days: $0.due.map { today.days(until: $0) } ?? 0) }
        let blocked = all.filter { $0.state == .blocked }.sorted { $0.id < $1.id }.map { row($0, days: 0) }
        return Tasks(overdue: overdue, dueSoon: dueSoon, blocked: blocked)
    }

    @Sendable func duban(_ request: Request, context: WebContext) async throws -> Response {
        let tracker = configuration.tracker
        guard let group = tracker.workspace.street.group(context.parameters.get("id") ?? "") else {
            return renderer.error(.notFound, "没有这个工作组。", session: context.session)
        }
        let configuration = self.configuration
        let page = try await Blocking.run { () throws -> DubanPage in
            let today = ChinaTime.day(tracker.now())
            let tasks = try Self.tasks(tracker, today: today, group: group.id)
            let entries = try ItemEntries.read(configuration, units: tracker.plan.units).filter { $0.item.item.group?.id == group.id }
            return DubanPage(
                group: group.label, lead: tracker.workspace.street.person(group.lead.id)?.name ?? group.lead.id, today: today.description,
                countdown: try StatusReport(tracker: tracker, today: today, groupFilter: group.id).countdown,
                overdue: tasks.overdue, dueSoon: tasks.dueSoon, blocked: tasks.blocked,
                openItems: entries.filter { !$0.isDone }.count, openItemsHref: Self.items(ItemFilter(group: group.id, status: "open")))
        }
        return renderer.page("web-duban", title: "督办单 · \(group.label)", page, session: context.session)
    }
}
