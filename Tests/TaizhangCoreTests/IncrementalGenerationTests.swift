import Foundation
import TaizhangTestSupport
import Testing

@testable import TaizhangCore

/// Issue #15: a regeneration renders only the pages whose template or view model changed, and
/// the typed template engine writes the same bytes as swift-mustache.
@Suite struct IncrementalGenerationTests {
    /// Every file of a pack, relative path → bytes.
    static func files(_ root: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let walker = try #require(FileManager.default.enumerator(atPath: root))
        for case let relative as String in walker {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[relative] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + relative))
            }
        }
        return result
    }

    /// The shipped templates in a folder of their own, to be changed by a test.
    static func templateCopy() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory("templates")
        try folder.overlay(Paths.repository + "/templates")
        return folder
    }

    @Test func aNoOpRegenerationRendersNoPageAndWritesNoFile() throws {
        let fixture = try PackFixture()
        let first = fixture.generate()
        #expect(first.report.notRendered == 0)
        let second = fixture.generate()
        #expect(second.report.written == 0)
        #expect(second.report.unchanged == first.report.written)
        // Only the index.xml files (cheap, not template pages) are produced again.
        let xmlFiles = first.report.created.filter { $0.hasSuffix(GeneratedName.indexXML) }.count
        #expect(xmlFiles == 4)
        #expect(second.report.notRendered == first.report.written - xmlFiles)
    }

    @Test func aChangedTemplateRegeneratesExactlyItsPages() throws {
        let folder = try Self.templateCopy()
        let fixture = try PackFixture()
        _ = PackGenerator(workspace: fixture.workspace, templates: fixture.templates).generate(.init(outputRoot: fixture.output.path))
        let path = folder.path + "/item-sheet.mustache"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "</body>", with: "<p>新的一行</p>\n</body>").write(toFile: path, atomically: true, encoding: .utf8)
        let changed = try TemplateSet(directory: folder.path, required: PackGenerator.requiredTemplates)
        let result = PackGenerator(workspace: fixture.workspace, templates: changed).generate(.init(outputRoot: fixture.output.path))
        let sheets = try Self.files(fixture.packRoot).keys.filter { $0.hasSuffix("/" + GeneratedName.itemSheet) }
        #expect(!sheets.isEmpty)
        #expect(result.report.updated.sorted() == sheets.sorted())
        #expect(result.report.created.isEmpty)
        // Every page of another template was skipped without rendering.
        let xmlFiles = 4
        #expect(result.report.notRendered == result.report.unchanged - xmlFiles)
    }

    @Test func aPartialChangeRegeneratesThePagesThatIncludeIt() throws {
        let folder = try Self.templateCopy()
        let fixture = try PackFixture()
        let before = try TemplateSet(directory: folder.path, required: PackGenerator.requiredTemplates)
        let first = PackGenerator(workspace: fixture.workspace, templates: before).generate(.init(outputRoot: fixture.output.path))
        let path = folder.path + "/style.mustache"
        try (try String(contentsOfFile: path, encoding: .utf8) + "<!-- 新样式 -->\n").write(toFile: path, atomically: true, encoding: .utf8)
        let changed = try TemplateSet(directory: folder.path, required: PackGenerator.requiredTemplates)
        let result = PackGenerator(workspace: fixture.workspace, templates: changed).generate(.init(outputRoot: fixture.output.path))
        // Every HTML page includes the style partial; index.xml does not.
        #expect(result.report.updated.count == first.report.written - 4)
        #expect(result.report.updated.allSatisfy { $0.hasSuffix(".html") })
    }

    struct OneStatus: ItemStatusSource {
        func status(unit: String, item: String) -> ItemStatusInfo? {
            unit == "east" && item == "01.01" ? ItemStatusInfo(status: .ticked, by: "甲科长", at: "2014-11-20 09:30") : nil
        }
    }

    @Test func aChangedStatusRegeneratesExactlyTheAffectedPages() throws {
        let fixture = try PackFixture()
        fixture.generate()
        let result = fixture.generate(statuses: OneStatus())
        // The same bytes as a pack generated afresh with the status…
        let fresh = try PackFixture()
        fresh.generate(statuses: OneStatus())
        let expected = try Self.files(fresh.packRoot)
        #expect(try Self.files(fixture.packRoot) == expected)
        // …and only the pages showing that status were rendered and written.
        #expect(result.report.updated.contains("01 东社区/index.html"))
        #expect(Set(result.report.updated).isSubset(of: ["01 东社区/index.html", "01 东社区/index.xml", "index.html", "index.xml"]))
        let templatePages = expected.keys.filter { $0.hasSuffix(".html") }.count
        #expect(result.report.notRendered == templatePages - result.report.updated.filter { $0.hasSuffix(".html") }.count)
    }

    @Test func aDeletedOrReplacedPageIsWrittenAgain() throws {
        let fixture = try PackFixture()
        fixture.generate()
        let sheet = "01 东社区/01 组织保障/01.01 综合治理责任书/" + GeneratedName.itemSheet
        try FileManager.default.removeItem(atPath: fixture.packRoot + "/" + sheet)
        let cover = "01 东社区/01 组织保障/" + GeneratedName.cover
        try Data("x".utf8).write(to: URL(fileURLWithPath: fixture.packRoot + "/" + cover))
        let result = fixture.generate()
        #expect(result.report.created == [sheet])
        // A page of another size is rendered and compared: edited by hand, so it is kept.
        #expect(result.report.keptEdited == [cover])
    }

    @Test func aVersionOneManifestIsReadAndEveryPageRenderedOnce() throws {
        let fixture = try PackFixture()
        fixture.generate()
        let path = fixture.packRoot + "/" + GeneratedName.manifest
        let v1 = Manifest.read(from: path).entries.sorted { $0.key < $1.key }
            .map { "\($0.value.sha256)\t\($0.value.size)\t\($0.key)\n" }.joined()
        try ("# taizhang manifest v1: sha256, size, path (generated files only)\n" + v1).write(toFile: path, atomically: true, encoding: .utf8)
        let result = fixture.generate()
        #expect(result.report.written == 0)
        #expect(result.report.keptEdited.isEmpty)
        #expect(result.report.notRendered == 0)
        #expect(fixture.generate().report.notRendered > 0)
    }
}

/// The typed engine against swift-mustache on the same templates and models.
@Suite struct PageTemplateTests {
    /// An item sheet of the small fixture, with text that needs escaping.
    static func model() throws -> ItemSheetPage {
        let fixture = try PackFixture()
        let renderer = PageRenderer(workspace: fixture.workspace, templates: fixture.templates, statuses: nil)
        let unit = try #require(PackPlanner(workspace: fixture.workspace).plan().units.first { $0.kind == .community })
        let binder = try #require(unit.binders.first { !$0.filedItems.isEmpty })
        var page = renderer.itemSheetPage(unit, binder, try #require(binder.filedItems.first))
        page.header.streetName = "东湖<街道>"
        page.header.office = "办事处 & 科"
        page.unitName = "梧桐山\"社区\""
        page.categoryName = "组织'保障'"
        page.veto = true
        page.groupLead = nil
        page.note = nil
        page.documents = [DocumentRow(title: "会议纪要", quantity: 4, period: "季度", date: nil)]
        return page
    }

    static let snippets: [String: String] = [
        "plain": "{{code}} {{title}} {{{header.streetName}}} {{&unitName}} {{header.office}} {{categoryName}} {{expected}} {{veto}}\n",
        "sections": """
        <ul>
          {{#documents}}
            <li>{{title}} ×{{quantity}} {{#date}}{{.}}{{/date}}{{^date}}无日期{{/date}} {{unitName}}</li>
          {{/documents}}
        </ul>
        {{#veto}}一票否决{{/veto}}{{^veto}}否{{/veto}}
          {{! a comment on its own line }}
        {{#hints}}[{{.}}]{{/hints}}
        {{#groupLead}}组长 {{.}}{{/groupLead}}
        {{^hints}}none{{/hints}}
        {{#header}}{{streetName}} {{year}}{{/header}}
        {{missing.name}}|{{#missing}}x{{/missing}}|{{^missing}}y{{/missing}}

        """,
        "partials": "{{> plain}}\n{{> nowhere}}\n<p>{{> plain}}</p>\n",
        "crlf": "{{#veto}}\r\n  yes\r\n{{/veto}}\r\n",
    ]

    @Test func theTypedEngineWritesTheSameBytesAsSwiftMustache() throws {
        let folder = try TemporaryDirectory("snippets")
        for (name, text) in Self.snippets { try folder.write(name + ".mustache", text) }
        let templates = try TemplateSet(directory: folder.path, required: [])
        let model = try Self.model()
        for name in Self.snippets.keys.sorted() {
            let fast = try templates.render(name, page: model)
            let reference = try templates.render(name, model as Any)
            #expect(String(decoding: fast, as: UTF8.self) == String(decoding: reference, as: UTF8.self), "\(name)")
        }
        #expect(templates.isCompiled("plain") && templates.isCompiled("sections") && templates.isCompiled("crlf"))
        // An inline partial is left to swift-mustache.
        #expect(!templates.isCompiled("partials"))
    }

    @Test func everyShippedPageTemplateIsCompiled() throws {
        let templates = try TemplateSet(directory: Paths.repository + "/templates", required: PackGenerator.requiredTemplates)
        for name in PackGenerator.requiredTemplates {
            #expect(templates.isCompiled(name), "\(name)")
        }
    }

    @Test func templatesTheEngineDoesNotKnowAreNotCompiled() {
        for text in ["{{=<% %>=}}<% x %>", "{{first(items)}}", "{{<parent}}{{/parent}}", "{{#a}}", "{{x", "  {{> style}}\n"] {
            #expect(PageTemplate(text) == nil, "\(text)")
        }
    }
}
