import Foundation
import TaizhangTestSupport
import Testing

@testable import TaizhangCore

/// Issue #15: after a change in one community, the other communities keep their pages without
/// their view models being built (`UnitKey`); the pack is the same as one generated afresh.
@Suite struct UnitSkipTests {
    func generate(_ fixture: PackFixture, base: String, keys: [String: String], statuses: (any ItemStatusSource)? = nil) -> PackGenerator.Result {
        var options = PackGenerator.Options(outputRoot: fixture.output.path, statuses: statuses)
        options.unitInputs = base
        options.previousUnitKeys = keys
        return PackGenerator(workspace: fixture.workspace, templates: fixture.templates).generate(options)
    }

    @Test func aChangedStatusBuildsOnlyItsCommunityAgain() throws {
        let fixture = try PackFixture()
        let first = generate(fixture, base: "base", keys: [:])
        let communities = first.unitKeys.count
        #expect(communities >= 2 && first.unitsKept == 0)
        let second = generate(fixture, base: "base", keys: first.unitKeys, statuses: IncrementalGenerationTests.OneStatus())
        #expect(second.unitsKept == communities - 1)
        #expect(second.report.updated.contains("01 东社区/index.html"))
        // The same bytes as a pack generated afresh with the status.
        let fresh = try PackFixture()
        fresh.generate(statuses: IncrementalGenerationTests.OneStatus())
        #expect(try IncrementalGenerationTests.files(fixture.packRoot) == IncrementalGenerationTests.files(fresh.packRoot))
        // Nothing changed: every community is kept; another base (a checklist, a template, an
        // option changed) builds every one again, writing only what differs.
        let third = generate(fixture, base: "base", keys: second.unitKeys, statuses: IncrementalGenerationTests.OneStatus())
        #expect(third.unitsKept == communities && third.report.written == 0)
        let fourth = generate(fixture, base: "other", keys: third.unitKeys, statuses: IncrementalGenerationTests.OneStatus())
        #expect(fourth.unitsKept == 0 && fourth.report.written == 0)
    }

    @Test func aDroppedFileOrADeletedPageBuildsThatCommunityAgain() throws {
        let fixture = try PackFixture()
        let first = generate(fixture, base: "base", keys: [:])
        let communities = first.unitKeys.count
        let item = fixture.packRoot + "/01 东社区/01 组织保障/01.01 综合治理责任书"
        try Data("责任书".utf8).write(to: URL(fileURLWithPath: item + "/2014 责任书.pdf"))
        let second = generate(fixture, base: "base", keys: first.unitKeys)
        #expect(second.unitsKept == communities - 1)
        let index = try String(contentsOfFile: fixture.packRoot + "/01 东社区/index.html", encoding: .utf8)
        #expect(index.contains("2014 责任书.pdf"))
        let sheet = "01 东社区/01 组织保障/01.01 综合治理责任书/" + GeneratedName.itemSheet
        try FileManager.default.removeItem(atPath: fixture.packRoot + "/" + sheet)
        let third = generate(fixture, base: "base", keys: second.unitKeys)
        #expect(third.unitsKept == communities - 1)
        #expect(third.report.created == [sheet])
    }
}
