import Foundation
import Mustache
import Testing

@testable import TaizhangCore
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
        let figure = Figure(value: "1", href: "/items")
        let unitRow = DashboardPage.UnitRow(
            id: "u", number: "01", name: "n", href: "/units/u", items: figure, done: figure, filed: figure, percent: 1, complete: figure,
            filesPercent: 1, claimedIncomplete: figure, failedMocks: figure, score: "9")
        let groupRow = DashboardPage.GroupRow(
            id: "g", number: 1, name: "g", items: figure, done: figure, percent: 1, openTasks: figure, overdueTasks: figure, behind: true,
            dubanHref: "/groups/g/duban")
        let taskRow = DashboardPage.TaskRow(id: "t", title: "t", group: "g", owner: "o", due: "d", days: 1, reason: "r", href: "/tasks")
        let veto = DashboardPage.VetoRow(unit: "u", code: "c", title: "t", indicator: "i", reason: "r", href: "/items/u/c")
        let gap = DashboardPage.GapRow(points: "+1", unit: "u", indicator: "i", subject: "s", reason: "r", group: "g", task: "t")
        let itemRow = ItemsPage.Row(
            anchor: "item-01.01", unitID: "u", unitName: "n", code: "01.01", title: "t", binder: "b", group: "g", status: "s",
            statusClass: "ticked", by: "b", at: "a", note: "n", present: 1, expected: 1, flag: "f", changeable: true, canUndo: true,
            detailHref: "/items/u/01.01", sheetHref: "/pack/s")
        let document = ItemPage.Document(name: "n", href: "/pack/n", size: "1 KB")
        let result = ResultPage.Row(subject: "s", outcome: "o", refused: true)
        let task = TasksPage.Row(
            id: "t", title: "t", group: "g", owner: "o", due: "d", state: "s", stateClass: "open", done: true, blocked: true, reason: "r",
            overdue: true, doneBy: "b", doneAt: "a", changeable: true)
        let event = LogPage.Row(at: "a", actor: "p", kind: "k", refusal: true, unit: "u", subject: "s", title: "t", change: "c", note: "n")
        let unitItem = UnitPage.Item(code: "c", title: "t", present: 1, expected: 1, status: "s", by: "b", at: "a", flag: "f", complete: true)
        let binder = UnitPage.Binder(name: "b", items: [unitItem])
        let entry = FolderPage.Entry(name: "n", href: "h", isFolder: true, size: "1 KB")
        let link = DistrictPage.Link(name: "东湖街道", href: "/s/donghu/login")
        let street = DistrictPage.Row(
            id: "s", name: "n", href: "/s/s/", ready: 1, items: 2, percent: 50, score: "9/10", atStake: "1", overdue: 1,
            overdueHref: "/s/s/tasks?state=overdue", lateDocuments: 2, countdown: "c", inspectionPassed: true)
        return [
            ("web-login", [page(LoginPage(loginToken: "t", error: "e", streets: [link], isDistrict: true)), link]),
            ("web-district", [page(DistrictPage(district: "罗湖区", today: "d", rows: [street])), street]),
            ("web-error", [page(ErrorPage(message: "m", code: 404))]),
            (
                "web-dashboard",
                [
                    page(
                        DashboardPage(
                            today: "d", inspectionDate: "d", countdown: "c", total: unitRow, units: [unitRow], groups: [groupRow],
                            overdue: [taskRow], dueSoon: [taskRow], blocked: [taskRow], veto: [veto], orphaned: ["o"], gaps: [gap])),
                    unitRow, figure, groupRow, taskRow, veto, gap,
                ]
            ),
            (
                "web-duban",
                [
                    page(
                        DubanPage(
                            group: "g", lead: "l", today: "d", countdown: "c", overdue: [taskRow], dueSoon: [taskRow], blocked: [taskRow],
                            openItems: 1, openItemsHref: "/items")), taskRow,
                ]
            ),
            (
                "web-items",
                [
                    page(
                        ItemsPage(
                            units: [option], binders: [option], groups: [option], statuses: [option], flags: [option], text: "q", all: true,
                            query: "unit=u", mineHref: "/items", allHref: "/items?scope=all", flash: "f", rows: [itemRow], unitID: "u",
                            unitName: "n", canUpload: true, noneOfMine: true)), option, itemRow,
                ]
            ),
            (
                "web-item",
                [
                    page(
                        ItemPage(
                            unitID: "u", unitName: "n", code: "c", itemTitle: "t", binder: "b", group: "g", status: "s", flag: "f", present: 1,
                            expected: 1, documents: [document], sheetHref: "/pack/s", folderHref: "/pack/f/", changeable: true, limit: "50.0 MB")),
                    document,
                ]
            ),
            ("web-result", [page(ResultPage(heading: "h", summary: "s", rows: [result], backHref: "/items")), result]),
            (
                "web-tasks",
                [page(TasksPage(tasks: [task], groups: [option], states: [option], mine: true, flash: "f", query: "state=open")), task, option]
            ),
            ("web-log", [page(LogPage(events: [event], units: [option], kinds: [option], actor: "a", since: "s", csvHref: "/log.csv")), event, option]),
            (
                "web-unit",
                [
                    page(
                        UnitPage(
                            unitID: "u", unitName: "n", binders: [binder], complete: 1, total: 1, indexHref: "/pack/x", zipHref: "/units/u/zip",
                            internalZipHref: "/units/u/zip?internal=1", pdfHref: "/units/u/pdf", checklistPDFHref: "/units/u/pdf?what=checklists")),
                    binder, unitItem,
                ]
            ),
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

    /// #15 item 4: the web pages render with the typed engine (no dynamic casts), to the same
    /// bytes as swift-mustache, which still renders a template someone edited beyond it.
    @Test(arguments: cases.map(\.template))
    func theTypedEngineRendersEveryWebPageAsSwiftMustacheDoes(_ template: String) throws {
        let templates = try TemplateSet(directory: repository + "/templates", required: WebConfiguration.webTemplates)
        #expect(templates.isCompiled(template))
        let objects = try #require(Self.cases.first { $0.template == template }).objects
        let page = try #require(objects.first as? any PageLookup)
        let typed = try templates.render(template, page: page)
        let reference = try templates.render(template, page as Any)
        #expect(String(decoding: typed, as: UTF8.self) == String(decoding: reference, as: UTF8.self))
        #expect(typed.count > 500)
    }

    @Test func everyWebTemplateIsCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: repository + "/templates")
        let pages = Set(files.filter { $0.hasPrefix("web-") && !$0.hasPrefix("web-layout-") }.map { String($0.dropLast(".mustache".count)) })
        #expect(pages == Set(Self.cases.map(\.template)))
    }
}
