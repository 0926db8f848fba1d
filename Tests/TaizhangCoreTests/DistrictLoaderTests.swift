import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangTestSupport
import Testing

/// Each folder under Fixtures/district holds a `district.xml` and `expected.txt`: the exact
/// diagnostics, paths relative to the district's folder. The case runs in a temporary folder
/// with two street workspaces, `a` and `b` (only their `checklists/taizhang.xml` is looked for).
@Suite struct DistrictLoaderTests {
    static let folder = Paths.fixtures + "/district"
    static let schema = Repository.root + "/checklists/schema/district.xsd"
    static let cases: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0 != "00-valid" }.sorted()

    static func district(_ name: String) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("district")
        try directory.overlay(folder + "/" + name)
        try? FileManager.default.removeItem(atPath: directory.path + "/expected.txt")
        for street in ["a", "b"] { try directory.write(street + "/checklists/taizhang.xml", "") }
        return directory
    }

    @Test func thereAreAtLeastEightCases() {
        #expect(Self.cases.count >= 8)
    }

    @Test(arguments: cases)
    func producesExactlyTheExpectedDiagnostics(_ name: String) throws {
        let directory = try Self.district(name)
        let result = DistrictLoader(file: directory.path + "/district.xml", schemaFile: Self.schema).load()
        let actual = renderedLines(result.diagnostics, root: directory.path)
        let expectedFile = Self.folder + "/" + name + "/expected.txt"
        if ProcessInfo.processInfo.environment["TAIZHANG_RECORD"] == "1" {
            try (actual.joined(separator: "\n") + "\n").write(toFile: expectedFile, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: expectedFile, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(actual == expected, "\(name)")
        #expect(!expected.isEmpty)
        #expect(result.district == nil)
    }

    @Test func aValidDistrictNamesItsStreetsAndPeople() throws {
        let directory = try Self.district("00-valid")
        let result = DistrictLoader(file: directory.path + "/district.xml", schemaFile: Self.schema).load()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let district = try #require(result.district)
        #expect(district.id == "luohu" && district.name == "罗湖区")
        let real = try #require(
            realpath(directory.path, nil).map { pointer in
                defer { free(pointer) }
                return String(cString: pointer)
            })
        #expect(district.streets.map(\.root) == [real + "/a", real + "/b"])
        #expect(district.people.map(\.id) == ["qu01"])
        #expect(district.visitors.map(\.name) == ["王科长"])
        #expect(district.visitors.allSatisfy { !$0.isPreparationTeam && $0.community == nil })
        #expect(district.accountsWorkspace.street.people.map(\.id) == ["qu01"])
    }

    @Test func aStreetReachedThroughASymbolicLinkOutsideTheDistrictIsRefused() throws {
        let directory = try Self.district("00-valid")
        let outside = try TemporaryDirectory("outside")
        try outside.write("checklists/taizhang.xml", "")
        try FileManager.default.removeItem(atPath: directory.path + "/b")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/b", withDestinationPath: outside.path)
        let result = DistrictLoader(file: directory.path + "/district.xml", schemaFile: Self.schema).load()
        #expect(
            renderedLines(result.diagnostics, root: directory.path) == [
                "district.xml:5:13: error: street folder \"b\" leaves the district's folder; name a folder below it [district.street-outside]"
            ])
    }

    @Test func theSchemaIsLookedForNextToTheDistrictFile() throws {
        let directory = try Self.district("00-valid")
        let result = DistrictLoader(file: directory.path + "/district.xml").load()
        #expect(
            result.diagnostics.map { $0.rendered() } == [
                "error: schema/district.xsd not found next to the district file; copy checklists/schema/district.xsd from the Taizhang repository [district.missing]"
            ])
        try FileManager.default.createDirectory(atPath: directory.path + "/schema", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.schema, toPath: directory.path + "/schema/district.xsd")
        #expect(DistrictLoader(file: directory.path + "/district.xml").load().district != nil)
    }

    @Test func streetsWithOneIdAndDistrictPeopleWithAStreetPersonsIdAreRefused() throws {
        let directory = try Self.district("00-valid")
        let district = try #require(DistrictLoader(file: directory.path + "/district.xml", schemaFile: Self.schema).load().district)
        var workspace = try #require(WorkspaceLoader(root: Repository.root).load().validWorkspace)
        #expect(
            district.check(streets: [workspace, workspace]).map { $0.rendered(relativeTo: directory.path) } == [
                "district.xml:5:13: error: street \"donghu\" (2014) of b is already served from a; give each street its own id [district.duplicate-street]"
            ])
        var other = workspace
        other.street.id = "xihu"
        #expect(district.check(streets: [workspace, other]).isEmpty)
        workspace.street.people[0].id = "qu01"
        #expect(
            district.check(streets: [workspace, other]).map { $0.rendered(relativeTo: directory.path) } == [
                "district.xml:8:5: error: district person \"qu01\" has the id of a person of 东湖街道 (a); district and street people need different ids [district.person-clash]"
            ])
        #expect(district.serving(other).street.people.last?.id == "qu01")
    }
}
