import Foundation
import TaizhangDiagnostics
import TaizhangTestSupport
import Testing

@testable import TaizhangCore

@Suite struct PackSafetyTests {
    let userFile = "01 东社区/01 组织保障/01.03 股份公司责任书/签字版.pdf"

    func modificationDates(_ root: String) throws -> [String: Date] {
        var dates: [String: Date] = [:]
        for file in Golden.files(in: root) {
            dates[file] = try FileManager.default.attributesOfItem(atPath: root + "/" + file)[.modificationDate] as? Date
        }
        return dates
    }

    @Test func regeneratingUnchangedInputTouchesNothing() throws {
        let fixture = try PackFixture()
        let first = fixture.generate()
        #expect(first.report.created.count == first.report.written && first.report.written > 20)
        let before = try modificationDates(fixture.packRoot)
        let contents = Golden.files(in: fixture.packRoot).map { FileManager.default.contents(atPath: fixture.packRoot + "/" + $0) }
        Thread.sleep(forTimeInterval: 0.05)
        let second = fixture.generate()
        #expect(second.report.written == 0)
        #expect(second.report.removed.isEmpty)
        #expect(second.report.unchanged == first.report.written)
        #expect(try modificationDates(fixture.packRoot) == before)
        #expect(Golden.files(in: fixture.packRoot).map { FileManager.default.contents(atPath: fixture.packRoot + "/" + $0) } == contents)
    }

    @Test func aUserFileSurvivesRegenerationAndRemovalOfItsItem() throws {
        let fixture = try PackFixture()
        fixture.generate()
        try fixture.output.write("测试街道-2014/" + userFile, "signed")
        let second = fixture.generate()
        #expect(second.report.updated.sorted() == ["01 东社区/index.html", "01 东社区/index.xml", "index.html", "index.xml"])
        #expect(try String(contentsOfFile: fixture.packRoot + "/" + userFile, encoding: .utf8) == "signed")

        // Remove item 01.03 (and its indicator) from the catalogue: the sheet goes, the user's file stays.
        let workspace = try TemporaryDirectory("ws")
        try workspace.overlay(Paths.small)
        let catalogue = workspace.path + "/checklists/catalogue/01-org.xml"
        var text = try String(contentsOfFile: catalogue, encoding: .utf8)
        let start = try #require(text.range(of: "  <indicator code=\"1.2\""))
        let end = try #require(text.range(of: "</indicator>\n", range: start.upperBound..<text.endIndex))
        text.removeSubrange(start.lowerBound..<end.upperBound)
        text = text.replacingOccurrences(of: "points=\"20\"", with: "points=\"12\"")
        try text.write(toFile: catalogue, atomically: true, encoding: .utf8)
        try workspace.write(
            "checklists/taizhang.xml",
            try String(contentsOfFile: Paths.small + "/checklists/taizhang.xml", encoding: .utf8)
                .replacingOccurrences(of: "totalPoints=\"30\"", with: "totalPoints=\"22\""))
        let changed = try #require(load(workspace.path).validWorkspace)
        let result = PackGenerator(workspace: changed, templates: fixture.templates).generate(.init(outputRoot: fixture.output.path))
        #expect(result.report.removed == ["01 东社区/01 组织保障/01.03 股份公司责任书/00 说明.html"])
        #expect(try String(contentsOfFile: fixture.packRoot + "/" + userFile, encoding: .utf8) == "signed")
        #expect(result.orphans == ["01 东社区/01 组织保障/01.03 股份公司责任书"])
        #expect(result.diagnostics.map(\.id) == ["pack.orphaned-folder"])
        let index = try String(contentsOfFile: fixture.packRoot + "/01 东社区/index.html", encoding: .utf8)
        #expect(index.contains("已不在目录中的文件夹"))
        let streetXML = try String(contentsOfFile: fixture.packRoot + "/index.xml", encoding: .utf8)
        #expect(streetXML.contains("<orphan path=\"01 东社区/01 组织保障/01.03 股份公司责任书\" files=\"1\"/>"))
        // Running again reports the orphan again and still keeps it.
        let again = PackGenerator(workspace: changed, templates: fixture.templates).generate(.init(outputRoot: fixture.output.path))
        #expect(again.orphans == result.orphans)
        #expect(again.report.written == 0)
    }

    @Test func anEmptyFolderOfARemovedItemIsRemovedWithItsSheet() throws {
        let fixture = try PackFixture()
        fixture.generate()
        var workspace = fixture.workspace
        workspace.catalogue.categories[1].indicators[0].items.removeLast()  // 02.03, street only
        let result = PackGenerator(workspace: workspace, templates: fixture.templates).generate(.init(outputRoot: fixture.output.path))
        #expect(result.report.removed == ["00 测试街道计生科/02 数据管理/02.03 逻辑错误清理记录/00 说明.html"])
        #expect(!FileManager.default.fileExists(atPath: fixture.packRoot + "/00 测试街道计生科/02 数据管理/02.03 逻辑错误清理记录"))
        #expect(result.orphans.isEmpty)
    }

    @Test func aGeneratedPageTheUserEditedIsKept() throws {
        let fixture = try PackFixture()
        fixture.generate()
        let cover = fixture.packRoot + "/01 东社区/01 组织保障/00 封面.html"
        try "<p>手工修改的封面</p>".write(toFile: cover, atomically: true, encoding: .utf8)
        var workspace = fixture.workspace
        workspace.street.name = "改名街道"
        workspace.street.folder = "测试街道"
        let result = PackGenerator(workspace: workspace, templates: fixture.templates).generate(.init(outputRoot: fixture.output.path))
        #expect(result.report.keptEdited == ["01 东社区/01 组织保障/00 封面.html"])
        #expect(result.diagnostics.contains { $0.id == "pack.kept-user-file" })
        #expect(try String(contentsOfFile: cover, encoding: .utf8) == "<p>手工修改的封面</p>")
        #expect(result.report.updated.count > 10)
    }

    @Test func aUserFileWithAGeneratedNameIsNotOverwritten() throws {
        let fixture = try PackFixture()
        try fixture.output.write("测试街道-2014/index.html", "my own index")
        let result = fixture.generate()
        #expect(result.report.keptEdited == ["index.html"])
        #expect(try String(contentsOfFile: fixture.packRoot + "/index.html", encoding: .utf8) == "my own index")
    }

    @Test func dryRunWritesNothing() throws {
        let fixture = try PackFixture()
        let result = fixture.generate(dryRun: true)
        #expect(result.report.created.count > 20)
        #expect(!FileManager.default.fileExists(atPath: fixture.packRoot))
    }

    @Test func aSubsetRunKeepsTheRestOfTheManifest() throws {
        let fixture = try PackFixture()
        fixture.generate()
        let manifest = Manifest.read(from: fixture.packRoot + "/" + GeneratedName.manifest)
        let subset = fixture.generate(communities: ["west"])
        #expect(subset.report.written == 0)
        #expect(subset.report.removed.isEmpty)
        #expect(Manifest.read(from: fixture.packRoot + "/" + GeneratedName.manifest) == manifest)
    }

    @Test func everyPathFitsWindowsLimitsEvenWithLongTitles() throws {
        var workspace = try PackFixture().workspace
        workspace.street.name = String(repeating: "很长的街道名称", count: 10)
        workspace.street.communities[0].name = String(repeating: "很长的社区名称", count: 10)
        workspace.catalogue.categories[0].name = String(repeating: "很长的类别名称", count: 10)
        workspace.catalogue.categories[0].indicators[0].items[0].title = String(repeating: "非常长的台账名称:/?", count: 20)
        let plan = PackPlanner(workspace: workspace).plan()
        for unit in plan.units {
            for binder in unit.binders {
                for item in binder.items {
                    let path = "X:\\" + [plan.folderName, unit.folderName, binder.folderName, item.folderName, GeneratedName.itemSheet].joined(separator: "\\")
                    #expect(path.utf16.count < PackPlanner.maxPath - 40, "\(path)")
                    #expect(item.folderName.hasPrefix(item.item.code + " "))
                    #expect(WindowsName.isValid(item.folderName))
                }
            }
        }
        #expect(plan.units[0].binders[0].items[0].folderName == PackPlanner(workspace: workspace).plan().units[0].binders[0].items[0].folderName)
    }
}

@Suite struct TemplateTests {
    @Test func aTemplateSyntaxErrorHasFileLineAndColumn() throws {
        let folder = try TemporaryDirectory("templates")
        for name in PackGenerator.requiredTemplates {
            try folder.write(name + ".mustache", "<p>{{title}}</p>")
        }
        try folder.write("cover.mustache", "<h1>{{title}}</h1>\n<ul>\n  {{#items}}<li>{{name}}</li>{{/itemz}}\n</ul>\n")
        #expect {
            _ = try TemplateSet(directory: folder.path, required: PackGenerator.requiredTemplates)
        } throws: { error in
            let diagnostics = (error as? DiagnosticList)?.diagnostics ?? []
            return diagnostics.map { $0.rendered(relativeTo: folder.path) } == [
                "cover.mustache:3:34: error: template syntax: a section is closed with the wrong name [template.syntax]"
            ]
        }
    }

    @Test func aMissingTemplateIsNamed() throws {
        let folder = try TemporaryDirectory("templates")
        for name in PackGenerator.requiredTemplates where name != "item-sheet" {
            try folder.write(name + ".mustache", "x")
        }
        #expect {
            _ = try TemplateSet(directory: folder.path, required: PackGenerator.requiredTemplates)
        } throws: { error in
            (error as? DiagnosticList)?.diagnostics.map { $0.rendered(relativeTo: folder.path) } == [
                "item-sheet.mustache: error: template item-sheet.mustache not found [template.missing]"
            ]
        }
    }

    /// A template name that is not in the set is an error, never an empty page (swift-mustache
    /// renders an unknown name as nothing).
    @Test func aWrongTemplateNameIsAnErrorNotAnEmptyPage() throws {
        let templates = try TemplateSet(directory: Paths.repository + "/templates", required: ["style"])
        #expect(throws: Diagnostic.self) { _ = try templates.render("item-sheat", ["title": "x"]) }
        #expect(try !templates.render("style", [String: String]()).isEmpty)
    }

    /// A template set without a page template stops the generator before it writes anything.
    @Test func aTemplateSetWithoutAPageTemplateWritesNothing() throws {
        let folder = try TemporaryDirectory("templates")
        for name in PackGenerator.requiredTemplates where name != "spine-labels" {
            try folder.write(name + ".mustache", "<p>{{unitName}}</p>")
        }
        let fixture = try PackFixture()
        let templates = try TemplateSet(directory: folder.path, required: ["style"])
        let result = PackGenerator(workspace: fixture.workspace, templates: templates).generate(.init(outputRoot: fixture.output.path))
        #expect(
            result.diagnostics.map { $0.rendered(relativeTo: folder.path) } == [
                "spine-labels.mustache: error: no template named spine-labels (spine-labels.mustache is not among the parsed templates) [template.unknown]"
            ])
        #expect(!FileManager.default.fileExists(atPath: fixture.packRoot))
    }

    @Test func userTextIsEscaped() throws {
        let fixture = try PackFixture()
        var workspace = fixture.workspace
        workspace.catalogue.categories[0].indicators[0].standard = "<script>alert('x')</script> & 扣分"
        let result = PackGenerator(workspace: workspace, templates: fixture.templates).generate(.init(outputRoot: fixture.output.path))
        #expect(result.diagnostics.isEmpty)
        let sheet = try String(contentsOfFile: fixture.packRoot + "/01 东社区/01 组织保障/01.01 综合治理责任书/00 说明.html", encoding: .utf8)
        #expect(sheet.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; 扣分"))
        #expect(!sheet.contains("<script>"))
    }
}
