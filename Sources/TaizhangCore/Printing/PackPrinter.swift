import Foundation
import TaizhangDiagnostics

/// Plans the print-ready documents of a pack: one combined HTML per unit section (its binders
/// in order: cover, 目录, item sheets), one for all spine labels, and the internal ones
/// (preparation checklists, 速查表) apart, so they never end up in a binder.
public struct PackPrinter {
    /// What `taizhang print --what` may choose.
    public enum Part: String, CaseIterable, Sendable {
        case covers, catalogues, sheets, spines, checklists, walkthrough, finder
    }

    /// One PDF to produce: its file name inside the print folder, and the HTML to print.
    public struct Document: Sendable {
        public var name: String
        public var html: [UInt8]
        /// The unit it belongs to (nil: the whole pack, e.g. the spine labels).
        public var unit: String?
    }

    public static let requiredTemplates = ["style", "cover", "catalogue", "item-sheet", "spine-labels", "checklist", "finder"]

    public let workspace: Workspace
    public let templates: TemplateSet
    public let plan: PackPlan

    public init(workspace: Workspace, templates: TemplateSet, plan: PackPlan) {
        self.workspace = workspace
        self.templates = templates
        self.plan = plan
    }

    /// `01 梧桐山社区.pdf`: deterministic names, in binder order when sorted.
    public static func sectionName(_ unit: UnitPlan) -> String { unit.folderName + ".pdf" }
    public static func checklistName(_ unit: UnitPlan) -> String { unit.folderName + " 准备清单（内部）.pdf" }
    public static func finderName(_ unit: UnitPlan) -> String { unit.folderName + " 速查表.pdf" }
    public static let spinesName = "脊条.pdf"

    /// The documents for `units` (in plan order) and `parts`. `finder` gives the 速查表 entries.
    public func documents(units: [UnitPlan], parts: Set<Part>, finder: Finder? = nil) throws(Diagnostic) -> [Document] {
        let renderer = PageRenderer(workspace: workspace, templates: templates, statuses: nil)
        var documents: [Document] = []
        var spines: [[UInt8]] = []
        for unit in units {
            var pages: [[UInt8]] = []
            for binder in unit.boxes {
                if parts.contains(.covers) { pages.append(try templates.render("cover", renderer.coverPage(unit, binder))) }
                if parts.contains(.catalogues) { pages.append(try templates.render("catalogue", renderer.cataloguePage(unit, binder))) }
                if parts.contains(.sheets) {
                    for item in binder.filedItems { pages.append(try templates.render("item-sheet", renderer.itemSheetPage(unit, binder, item))) }
                }
            }
            if !pages.isEmpty {
                documents.append(Document(name: Self.sectionName(unit), html: PrintAssembler.combine(pages, title: unit.name), unit: unit.id))
            }
            if parts.contains(.spines), !unit.boxes.isEmpty { spines.append(try templates.render("spine-labels", renderer.spinePage(unit))) }
            if parts.contains(.checklists) {
                documents.append(
                    Document(name: Self.checklistName(unit), html: try templates.render("checklist", renderer.checklistPage(unit)), unit: unit.id))
            }
            if parts.contains(.finder), let finder {
                documents.append(
                    Document(name: Self.finderName(unit), html: try templates.render("finder", renderer.finderPage(unit, finder: finder)), unit: unit.id))
            }
        }
        if !spines.isEmpty {
            documents.append(Document(name: Self.spinesName, html: PrintAssembler.combine(spines, title: "脊条"), unit: nil))
        }
        return documents
    }
}
