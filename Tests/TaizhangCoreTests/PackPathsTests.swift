import Foundation
import Testing

@testable import TaizhangCore

@Suite struct PackPathsTests {
    @Test func pathsNameTheFoldersTheGeneratorWrites() throws {
        let fixture = try PackFixture()
        let plan = PackPlanner(workspace: fixture.workspace).plan()
        let paths = PackPaths(outputRoot: fixture.output.path, plan: plan)
        #expect(paths.packRoot == fixture.packRoot)
        #expect(fixture.generate().diagnostics.isEmpty)

        let unit = try #require(plan.unit(id: "east"))
        let binder = try #require(unit.binders.first)
        let item = try #require(binder.items.first)
        #expect(paths.unitRoot(unit) == fixture.packRoot + "/01 东社区")
        #expect(paths.binderRoot(unit, binder) == fixture.packRoot + "/01 东社区/01 组织保障")
        #expect(paths.itemRoot(unit, binder, item) == fixture.packRoot + "/01 东社区/01 组织保障/01.01 综合治理责任书")
        #expect(FileManager.default.fileExists(atPath: paths.itemRoot(unit, binder, item) + "/" + GeneratedName.itemSheet))
        #expect(PackPaths.relative(unit, binder, item) == "01 东社区/01 组织保障/01.01 综合治理责任书")
        #expect(PackPaths.relative(unit, nil, item) == "01 东社区")
    }
}
