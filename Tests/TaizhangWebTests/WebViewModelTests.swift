import Foundation
import Mustache
import Testing

@testable import TaizhangWeb

/// Every name a web template uses must be answered by the explicit lookups of its view models
/// (WebViewModels+Mustache.swift): a missing case would render blank in silence.
@Suite struct WebViewModelTests {
    /// The names in `{{name}}`, `{{#name}}`, `{{^name}}` tags (not partials, comments or `.`).
    static func names(in template: String) throws -> Set<String> {
        let text = try String(contentsOfFile: repository + "/templates/" + template + ".mustache", encoding: .utf8)
        let regex = try NSRegularExpression(pattern: #"\{\{\{?\s*[#^/&]?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}?\}\}"#)
        let range = NSRange(text.startIndex..., in: text)
        return Set(regex.matches(in: text, range: range).compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } })
    }

    /// The names the objects answer with a value (the models below have every field set).
    static func answered(_ names: Set<String>, by objects: [Any]) -> Set<String> {
        names.filter { name in objects.contains { ($0 as? MustacheParent)?.child(named: name) != nil } }
    }

    static let option = SelectOption(id: "a", name: "甲", selected: true)

    static func page<Body: Sendable>(_ body: Body) -> WebPage<Body> {
        WebPage(title: "t", streetName: "东湖街道", year: 2014, viewer: .init(name: "张三", csrf: "c"), body: body)
    }

    /// Each web template with its page model and the rows its sections open.
    static var cases: [(template: String, objects: [Any])] {
        let unitRow = DashboardPage.UnitRow(id: "u", number: "01", name: "n", items: 1, done: 1, filed: 1, verified: 1, percent: 1, flagged: "1", score: "9")
        let groupRow = DashboardPage.GroupRow(number: 1, name: "g", items: 1, done: 1, percent: 1, openTasks: 1, overdueTasks: 1)
        let overdue = DashboardPage.OverdueTask(id: "t", title: "t", owner: "o", due: "d", days: 1)
        let gap = DashboardPage.GapRow(points: "+1", unit: "u", indicator: "i", subject: "s", reason: "r", group: "g", task: "t")
        let itemRow = ItemsPage.Row(
            code: "01.01", title: "t", binder: "b", group: "g", status: "s", statusClass: "ticked", by: "b", at: "a",
            note: "n", present: 1, expected: 1, flag: "f")
        let task = TasksPage.Row(id: "t", title: "t", group: "g", owner: "o", due: "d", state: "s", done: true, overdue: true, doneBy: "b", doneAt: "a")
        let event = LogPage.Row(at: "a", actor: "p", kind: "k", refusal: true, unit: "u", subject: "s", change: "c", note: "n")
        let unitItem = UnitPage.Item(code: "c", title: "t", present: 1, expected: 1, status: "s", by: "b", at: "a", flag: "f", complete: true)
        let binder = UnitPage.Binder(name: "b", items: [unitItem])
        let entry = FolderPage.Entry(name: "n", href: "h", isFolder: true, size: "1 KB")
        return [
            ("web-login", [page(LoginPage(loginToken: "t", error: "e"))]),
            ("web-error", [page(ErrorPage(message: "m", code: 404))]),
            (
                "web-dashboard",
                [
                    page(
                        DashboardPage(
                            today: "d", inspectionDate: "d", countdown: "c", units: [unitRow], groups: [groupRow],
                            overdue: [overdue], orphaned: ["o"], gaps: [gap])), unitRow, groupRow, overdue, gap,
                ]
            ),
            ("web-items", [page(ItemsPage(unit: .init(unitID: "u", unitName: "n", units: [option], rows: [itemRow]))), option, itemRow]),
            ("web-tasks", [page(TasksPage(tasks: [task])), task]),
            ("web-log", [page(LogPage(events: [event], units: [option], kinds: [option], actor: "a", since: "s")), event, option]),
            ("web-unit", [page(UnitPage(unitID: "u", unitName: "n", binders: [binder], complete: 1, total: 1, indexHref: "/pack/x")), binder, unitItem]),
            ("web-folder", [page(FolderPage(path: "p", parentHref: "/pack/", entries: [entry])), entry]),
        ]
    }

    @Test(arguments: cases.map(\.template))
    func everyNameOfATemplateIsAnsweredByItsModels(_ template: String) throws {
        let objects = try #require(Self.cases.first { $0.template == template }).objects
        let names = try Self.names(in: template).union(Self.names(in: "web-layout-head"))
        #expect(!names.isEmpty)
        let missing = names.subtracting(Self.answered(names, by: objects))
        #expect(missing.isEmpty, "\(template): no lookup for \(missing.sorted())")
    }

    @Test func everyWebTemplateIsCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: repository + "/templates")
        let pages = Set(files.filter { $0.hasPrefix("web-") && !$0.hasPrefix("web-layout-") }.map { String($0.dropLast(".mustache".count)) })
        #expect(pages == Set(Self.cases.map(\.template)))
    }
}
