import Foundation
import TaizhangDiagnostics
import TaizhangTestSupport
import TaizhangXML
import Testing

@testable import TaizhangCore

/// Generates a pack for a workspace into a temporary output folder.
struct PackFixture {
    let workspace: Workspace
    let templates: TemplateSet
    let output: TemporaryDirectory

    init(_ root: String = Paths.small) throws {
        let result = load(root)
        workspace = try #require(result.validWorkspace, "\(rendered(result.diagnostics, root: root))")
        templates = try TemplateSet(directory: Paths.repository + "/templates", required: PackGenerator.requiredTemplates)
        output = try TemporaryDirectory("pack")
    }

    @discardableResult
    func generate(communities: [String]? = nil, dryRun: Bool = false, statuses: (any ItemStatusSource)? = nil) -> PackGenerator.Result {
        PackGenerator(workspace: workspace, templates: templates)
            .generate(.init(outputRoot: output.path, communities: communities, dryRun: dryRun, statuses: statuses))
    }

    var packRoot: String { output.path + "/测试街道-2014" }
}

@Suite struct GeneratorGoldenTests {
    @Test func theSmallPackMatchesTheGoldenTree() throws {
        let fixture = try PackFixture()
        let result = fixture.generate()
        #expect(result.diagnostics.isEmpty)
        try Golden.compare(actual: fixture.packRoot, golden: Paths.here.appendingPathComponent("Golden/small-pack").path)
    }

    /// Tracker statuses of every kind for the filled-in golden pack.
    struct FilledStatuses: ItemStatusSource {
        func status(unit: String, item: String) -> ItemStatusInfo? {
            switch (unit, item) {
            case ("east", "01.01"): ItemStatusInfo(status: .ticked, by: "甲科长", at: "2014-11-20 09:30")
            case ("east", "01.03"): ItemStatusInfo(status: .notApplicable, by: "乙主任", at: "2014-11-21 10:00")
            case ("east", "02.01"): ItemStatusInfo(status: .filed, by: "乙主任", at: "2014-11-22 11:15", flagged: true)
            case ("west", "02.02"): ItemStatusInfo(status: .verified, by: "甲科长", at: "2014-11-23 14:45")
            case ("street", "01.02"): ItemStatusInfo(status: .filed, by: "丙干事", at: "2014-11-24 16:20")
            default: nil
            }
        }
    }

    /// The small pack with user files in item folders (monthly files skipping a month), a
    /// folder the catalogue no longer has and tracker statuses (不适用 and a failed mock
    /// inspection included), so the index pages' file, status and flag fields are all printed.
    @Test func theFilledInSmallPackMatchesItsGoldenTree() throws {
        let fixture = try PackFixture()
        let east = "测试街道-2014/01 东社区/"
        let files = [
            east + "01 组织保障/01.01 综合治理责任书/2014年综合治理责任书.pdf",
            east + "02 数据管理/02.02 月报表/2014年1月月报表.xls",
            east + "02 数据管理/02.02 月报表/2014年3月月报表.xls",
            east + "01 组织保障/09.09 旧条目/旧文件.pdf",
            "测试街道-2014/00 测试街道计生科/01 组织保障/01.02 党工委会议纪要/第一次会议纪要.doc",
        ]
        let modified = Date(timeIntervalSince1970: 1_416_000_000)  // 2014-11-15
        for file in files {
            try fixture.output.write(file, "文件内容 " + file)
            try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: fixture.output.path + "/" + file)
        }
        let result = fixture.generate(statuses: FilledStatuses())
        #expect(result.diagnostics.map(\.id) == ["pack.orphaned-folder"])  // kept, with a warning
        try Golden.compare(actual: fixture.packRoot, golden: Paths.here.appendingPathComponent("Golden/small-pack-filled").path)
    }

    @Test func thePlanFollowsLevelsAndConditions() throws {
        let fixture = try PackFixture()
        let plan = PackPlanner(workspace: fixture.workspace).plan()
        #expect(plan.folderName == "测试街道-2014")
        #expect(plan.units.map(\.folderName) == ["00 测试街道计生科", "01 东社区", "02 西社区"])
        #expect(plan.units[0].items.map(\.item.code) == ["01.01", "01.02", "02.01", "02.03"])
        // 01.03 applies only where hasUrbanVillage: east has it, west does not.
        #expect(plan.units[1].items.map(\.item.code) == ["01.01", "01.03", "02.01", "02.02"])
        #expect(plan.units[2].items.map(\.item.code) == ["01.01", "02.01", "02.02"])
        #expect(plan.units[1].binders.map(\.folderName) == ["01 组织保障", "02 数据管理"])
        #expect(plan.units[1].binders[0].items.map(\.folderName) == ["01.01 综合治理责任书", "01.03 股份公司责任书"])
    }

    @Test func everyIndexXMLConformsToTheShippedSchema() throws {
        let fixture = try PackFixture()
        try fixture.output.write("测试街道-2014/01 东社区/01 组织保障/01.01 综合治理责任书/责任书 & 附件.pdf", "pdf")
        fixture.generate()
        let (schema, schemaDiagnostics) = XMLSchema.load(file: Paths.repository + "/checklists/schema/ledger-index.xsd")
        #expect(schemaDiagnostics.isEmpty)
        let indexes = Golden.files(in: fixture.packRoot).filter { $0.hasSuffix("index.xml") }
        #expect(indexes.count == 4)
        for index in indexes {
            let parsed = XMLDocument.parse(file: fixture.packRoot + "/" + index)
            let document = try #require(parsed.document)
            #expect(try #require(schema).validate(document).isEmpty, "\(index)")
        }
        let east = try String(contentsOfFile: fixture.packRoot + "/01 东社区/index.xml", encoding: .utf8)
        #expect(east.contains("<file name=\"责任书 &amp; 附件.pdf\" size=\"3\""))
    }
}
