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
        let preparation = (try? configuration.tracker.person(session.person))?.isPreparationTeam ?? false
        let page = try await Blocking.run { try Self.model(configuration, renderer: renderer, unit: id, preparation: preparation) }
        return renderer.page("web-unit", title: "准备情况 · \(page.unitName)", page, session: session)
    }

    static func model(_ configuration: WebConfiguration, renderer: WebRenderer, unit id: String, preparation: Bool = false) throws -> UnitPage {
        let tracker = configuration.tracker
        let unit = try tracker.unit(id)
        let entries = try ItemEntries.read(configuration, units: [unit])
        let binders = unit.binders.map { binder in
            UnitPage.Binder(
                name: binder.category.code + " " + binder.category.name,
                items: entries.filter { $0.binder.folderName == binder.folderName }.map { entry in
                    UnitPage.Item(
                        code: entry.code, title: entry.item.item.title, present: entry.readiness.present,
                        expected: entry.readiness.expected, status: entry.status.chinese,
                        by: entry.record?.by.map(renderer.personName), at: entry.record?.at.map(ChinaTime.timestamp),
                        flag: entry.readiness.flagText, complete: entry.readiness.completeness.isSatisfied)
                })
        }
        let items = binders.flatMap(\.items)
        let index = [unit.folderName, GeneratedName.index]
        let hasIndex = (try? PackFiles(root: configuration.packRoot).resolve(index)) != nil
        return UnitPage(
            unitID: unit.id, unitName: unit.name, binders: binders,
            complete: items.filter(\.complete).count, total: items.count,
            indexHref: hasIndex ? PackFiles.href(index) : nil,
            zipHref: hasIndex ? "/units/\(PackFiles.encode(unit.id))/zip" : nil,
            internalZipHref: hasIndex && preparation ? "/units/\(PackFiles.encode(unit.id))/zip?internal=1" : nil,
            pdfHref: "/units/\(PackFiles.encode(unit.id))/pdf",
            checklistPDFHref: preparation ? "/units/\(PackFiles.encode(unit.id))/pdf?what=checklists" : nil)
    }
}
