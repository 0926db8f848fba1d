import Hummingbird
import TaizhangCore
import TaizhangTracker

/// The progress overview: countdown, progress per unit and per group, overdue tasks.
struct DashboardController: Sendable {
    let configuration: WebConfiguration
    let renderer: WebRenderer

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("/", use: show)
    }

    @Sendable func show(_ request: Request, context: WebContext) async throws -> Response {
        let tracker = configuration.tracker
        let page = try await Blocking.run { try Self.model(tracker) }
        return renderer.page("web-dashboard", title: "进度总览", page, session: context.session)
    }

    static func model(_ tracker: Tracker) throws -> DashboardPage {
        let today = ChinaTime.day(tracker.now())
        let scoring = MockScoring(tracker: tracker)
        // One estimate for the scores column and the gaps: it reads every record and document.
        let cards = try scoring.scores()
        let report = try StatusReport(tracker: tracker, today: today, estimate: cards)
        return DashboardPage(
            today: report.today, inspectionDate: report.inspectionDate,
            countdown: report.countdown,
            units: report.units.map { u in
                .init(
                    id: u.id, number: u.number, name: u.name, items: u.counts.items, done: u.counts.done, filed: u.counts.filed,
                    verified: u.counts.verified, percent: u.counts.percent,
                    flagged: u.counts.flagged > 0 ? String(u.counts.flagged) : nil, score: u.estimatedScore ?? "—")
            },
            groups: report.groups.map { g in
                .init(
                    number: g.number, name: g.name, items: g.counts.items, done: g.counts.done, percent: g.counts.percent,
                    openTasks: g.openTasks, overdueTasks: g.overdueTasks)
            },
            overdue: report.overdue.map { t in
                .init(id: t.id, title: t.title, owner: t.owner, due: t.due ?? "", days: t.daysOverdue)
            },
            orphaned: report.orphaned,
            gaps: try scoring.gaps(scores: cards).prefix(10).map { g in
                .init(
                    points: "+\(g.points)", unit: g.unitName, indicator: "\(g.indicator) \(g.indicatorName)",
                    subject: g.subject, reason: g.reason,
                    group: g.groupName ?? g.group ?? "", task: g.task.map { "\($0.id) \($0.title)" })
            })
    }
}
