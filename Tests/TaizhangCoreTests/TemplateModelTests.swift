import Foundation
import Mustache
import Testing

@testable import TaizhangCore

/// Every field of every view model must be reachable through its explicit Mustache lookup
/// (`PageModels+Mustache.swift`, `WalkthroughPage+Mustache.swift`): a field added to a model
/// but not to its lookup renders as nothing, in silence. The models come from the real
/// renderer over a pack with user files, an orphaned folder, tracker statuses and a failed
/// mock inspection, so optional fields and nested rows are filled in.
@Suite struct TemplateModelTests {
    struct Statuses: ItemStatusSource {
        func status(unit: String, item: String) -> ItemStatusInfo? {
            ItemStatusInfo(status: .ticked, by: "甲科长", at: "2014-11-20 09:30", flagged: item == "01.01")
        }
    }

    /// Paths of fields the lookups do not resolve, and model types that have no lookup at all.
    static func unresolved(_ value: Any, path: String, module: String = "TaizhangCore.") -> [String] {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional, .collection:
            return mirror.children.enumerated().flatMap { unresolved($0.element.value, path: path + "[\($0.offset)]", module: module) }
        case .struct:
            let typeName = String(reflecting: type(of: value))
            guard typeName.hasPrefix(module) else { return [] }
            guard let parent = value as? MustacheParent else { return ["\(path): \(typeName) has no Mustache lookup"] }
            var problems: [String] = []
            for child in mirror.children {
                guard let label = child.label else { continue }
                let field = Mirror(reflecting: child.value)
                let isNil = field.displayStyle == .optional && field.children.isEmpty
                if !isNil && parent.child(named: label) == nil { problems.append("\(path).\(label)") }
                problems += unresolved(child.value, path: path + "." + label, module: module)
            }
            return problems
        default:
            return []
        }
    }

    @Test func everyFieldOfEveryPageModelHasALookup() throws {
        let fixture = try PackFixture()
        fixture.generate()
        // A user's document in an item folder, and a folder the catalogue no longer has.
        let unitRoot = fixture.packRoot + "/01 东社区"
        let binder = "01 组织保障"
        try Data("x".utf8).write(to: URL(fileURLWithPath: unitRoot + "/" + binder + "/01.01 综合治理责任书/2014年3月责任书.pdf"))
        try FileManager.default.createDirectory(atPath: unitRoot + "/" + binder + "/09.09 旧条目", withIntermediateDirectories: true)
        try Data("y".utf8).write(to: URL(fileURLWithPath: unitRoot + "/" + binder + "/09.09 旧条目/旧文件.pdf"))

        let plan = PackPlanner(workspace: fixture.workspace).plan()
        let renderer = PageRenderer(workspace: fixture.workspace, templates: fixture.templates, statuses: Statuses())
        var models: [(String, Any)] = []
        var summaries: [PackGenerator.UnitSummary] = []
        for unit in plan.units {
            let inventory = UnitInventory(unit: unit, unitRoot: fixture.packRoot + "/" + unit.folderName, generated: GeneratedFiles(packRoot: fixture.packRoot, journaled: [:]))
            summaries.append(inventory.summary(statuses: Statuses()))
            models.append(("\(unit.id) index", renderer.unitIndex(unit, inventory: inventory, orphans: inventory.orphans)))
            models.append(("\(unit.id) spine", renderer.spinePage(unit)))
            models.append(("\(unit.id) checklist", renderer.checklistPage(unit)))
            for binder in unit.binders {
                models.append(("\(unit.id) cover", renderer.coverPage(unit, binder)))
                models.append(("\(unit.id) catalogue", renderer.cataloguePage(unit, binder)))
                for item in binder.items { models.append(("\(unit.id) \(item.item.code)", renderer.itemSheetPage(unit, binder, item))) }
            }
        }
        let orphans = [OrphanRow(path: "99 旧社区", href: "99%20%E6%97%A7", files: 1)]
        models.append(("street index", renderer.streetIndex(plan: plan, summaries: summaries, orphans: orphans)))

        // The filled-in parts really are there, so the walk below reaches their row types.
        let east = try #require(models.first { $0.0 == "east index" }?.1 as? UnitIndexPage)
        #expect(east.hasOrphans && east.binders.contains { $0.items.contains { !$0.files.isEmpty && $0.flag != nil && $0.trackerBy != nil } })

        #expect(models.flatMap { Self.unresolved($0.1, path: $0.0) } == [])
    }

    @Test func everyFieldOfTheWalkthroughPageHasALookup() throws {
        let workspace = try #require(WorkspaceLoader(root: Paths.repository).load().validWorkspace)
        let unit = try #require(PackPlanner(workspace: workspace).plan().unit(id: "wutongshan"))
        let data = try #require(WalkthroughData.load(workspace: Paths.repository, community: "wutongshan").0)
        let builder = WalkthroughBuilder(workspace: workspace, unit: unit, data: data, present: [:], statuses: Statuses())
        let page = builder.page(.init(seed: 5, households: 5, documents: 8, date: Day("2014-12-01")))
        #expect(Self.unresolved(page, path: "walkthrough") == [])
    }

    struct Row: MustacheParent {
        var title = "x"
        var added = "y"  // added to the model, forgotten in the lookup
        func child(named name: String) -> Any? { name == "title" ? title : nil }
    }

    struct Page { var rows = [Row()] }

    /// The check itself notices a forgotten lookup entry and a model without a lookup.
    @Test func theCheckNoticesAForgottenField() {
        #expect(
            Self.unresolved(Page(), path: "page", module: "TaizhangCoreTests.") == [
                "page: TaizhangCoreTests.TemplateModelTests.Page has no Mustache lookup"
            ])
        #expect(Self.unresolved([Row()], path: "rows", module: "TaizhangCoreTests.") == ["rows[0].added"])
    }
}

/// The bit-mask escaper of `PageTemplate.append` escapes exactly `& < > " '`, as swift-mustache
/// does, for every ASCII byte and around multi-byte characters.
@Suite struct PageTemplateEscapingTests {
    static func reference(_ text: String) -> String {
        var out = ""
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    @Test func escapesTheFiveSpecialCharactersOnly() {
        let ascii = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        for text in ["", ascii, "&", "社区<b>“引号”</b>&'\"", "已确认 2014-11-02 10:05", "a>b" + ascii + "街道"] {
            var out: [UInt8] = []
            PageTemplate.append(text, escaped: true, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == Self.reference(text), "\(text.debugDescription)")
            out = []
            PageTemplate.append(text, escaped: false, to: &out)
            #expect(out == Array(text.utf8))
        }
    }
}
