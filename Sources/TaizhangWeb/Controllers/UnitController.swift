import Foundation
import Hummingbird
import TaizhangCore
import TaizhangTracker

/// Readiness of one unit: files present against expected per item, and its status.
struct UnitController: Sendable {
    let configuration: WebConfiguration
    let renderer: WebRenderer

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("units/{id}", use: show)
        // The old address of the generated index; the pack is now served under /pack/.
        group.get("units/{id}/index.html") { _, context in
            guard let unit = configuration.tracker.plan.unit(id: context.parameters.get("id") ?? "") else {
                return renderer.error(.notFound, "没有这个\(configuration.tracker.workspace.street.terms.lower)。", session: context.session)
            }
            return WebRenderer.redirect(PackFiles.href([unit.folderName, GeneratedName.index]))
        }
    }

    @Sendable func show(_ request: Request, context: WebContext) async throws -> Response {
        guard let session = context.session else { return WebRenderer.redirect("/login") }
        let id = context.parameters.get("id") ?? ""
        guard configuration.tracker.plan.unit(id: id) != nil else {
            return renderer.error(.notFound, "没有这个\(configuration.tracker.workspace.street.terms.lower)：\(id)", session: session)
        }
        let (configuration, renderer) = (self.configuration, self.renderer)
        let page = try await Blocking.run { try Self.model(configuration, renderer: renderer, unit: id) }
        return renderer.page("web-unit", title: "准备情况 · \(page.unitName)", page, session: session)
    }

    static func model(_ configuration: WebConfiguration, renderer: WebRenderer, unit id: String) throws -> UnitPage {
        let tracker = configuration.tracker
        let unit = try tracker.unit(id)
        let records = Dictionary(try tracker.items().filter { $0.key.unit == unit.id }.map { ($0.key.item, $0) }, uniquingKeysWith: { a, _ in a })
        let paths = PackPaths(packRoot: configuration.packRoot)
        let binders = unit.binders.map { binder in
            UnitPage.Binder(
                name: binder.category.code + " " + binder.category.name,
                items: binder.items.map { item in
                    let record = records[item.item.code]
                    let present = FileInventory.userFiles(in: paths.itemRoot(unit, binder, item)).count
                    let readiness = ItemReadiness(
                        item: item.item, present: present, status: record?.status, note: record?.note, failedMock: record?.flagged ?? false)
                    return UnitPage.Item(
                        code: item.item.code, title: item.item.title, present: present,
                        expected: item.item.expectedCount, status: readiness.status.chinese,
                        by: record?.by.map(renderer.personName), at: record?.at.map(ChinaTime.timestamp),
                        flag: readiness.flagText, complete: readiness.completeness.isSatisfied)
                })
        }
        let items = binders.flatMap(\.items)
        let index = [unit.folderName, GeneratedName.index]
        let hasIndex = (try? PackFiles(root: configuration.packRoot).resolve(index)) != nil
        return UnitPage(
            unitID: unit.id, unitName: unit.name, binders: binders,
            complete: items.filter(\.complete).count, total: items.count,
            indexHref: hasIndex ? PackFiles.href(index) : nil)
    }
}
