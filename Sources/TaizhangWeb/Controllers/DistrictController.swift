import Foundation
import Hummingbird
import TaizhangCore
import TaizhangTracker

/// The district overview (`serve --district`): one row per street with the figures of the
/// street's own dashboard — signed-off items, the street section's score estimate, points the
/// open gaps cost, overdue tasks, items with overdue monthly documents and the countdown —
/// each street linking to its pages.
struct DistrictController: Sendable {
    let configuration: DistrictConfiguration
    let renderer: WebRenderer

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("/", use: show)
    }

    @Sendable func show(_ request: Request, context: WebContext) async throws -> Response {
        guard let session = context.session else { return WebRenderer.redirect("/login") }
        if case .street(let street, _) = DistrictPrincipal(session.person) { return WebRenderer.redirect(DistrictApp.prefix(street) + "/") }
        let configuration = self.configuration
        let page = try await Blocking.run { try Self.model(configuration) }
        return renderer.page("web-district", title: "各街道进度", page, session: session)
    }

    static func model(_ configuration: DistrictConfiguration) throws -> DistrictPage {
        let today = ChinaTime.day(configuration.accounts.now())
        return DistrictPage(
            district: configuration.district.name, today: today.description,
            rows: try configuration.streets.map { try row($0.tracker, today: today) })
    }

    /// One street's row, from the street's `StatusReport` (with the score estimate, as the
    /// dashboard builds it) and its ranked gaps.
    static func row(_ tracker: Tracker, today: Day) throws -> DistrictPage.Row {
        let scoring = MockScoring(tracker: tracker)
        let cards = try scoring.scores()
        let report = try StatusReport(tracker: tracker, today: today, estimate: cards)
        let items = report.units.reduce(0) { $0 + $1.counts.items }
        let ready = report.units.reduce(0) { $0 + $1.counts.done }
        let atStake = try scoring.gaps(scores: cards).reduce(Decimal2(hundredths: 0)) { $0 + $1.points }
        // The tasks page's own rule (已逾期), so the number is what its link opens; the rest of the
        // report's overdue rows are items with overdue monthly documents.
        let overdueTasks = try tracker.webTasks().filter { $0.isOverdue(on: today) }.count
        let street = tracker.workspace.street
        let prefix = DistrictApp.prefix(street.id)
        return DistrictPage.Row(
            id: street.id, name: street.name, href: prefix + "/", ready: ready, items: items, percent: items == 0 ? 100 : ready * 100 / items,
            score: report.units.first { $0.id == Tracker.streetUnit }?.estimatedScore ?? "—", atStake: atStake.description,
            overdue: overdueTasks, overdueHref: prefix + "/tasks?state=overdue", lateDocuments: report.overdue.count - overdueTasks,
            countdown: report.countdown,
            inspectionPassed: report.inspectionPassed)
    }
}
