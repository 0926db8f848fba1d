import Foundation
import TaizhangCore
import TaizhangDiagnostics
import Testing

/// Each folder under Fixtures/invalid overlays the small workspace with broken files and
/// holds `expected.txt`: the exact diagnostics, one per line, paths relative to the workspace.
@Suite struct ValidationFixtureTests {
    static let cases: [String] = {
        let folder = Paths.fixtures + "/invalid"
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }()

    @Test func thereAreAtLeastTwentyCases() {
        #expect(Self.cases.count >= 20)
    }

    @Test(arguments: cases)
    func producesExactlyTheExpectedDiagnostics(_ name: String) throws {
        let (workspace, expected) = try fixtureCase(Paths.fixtures + "/invalid/" + name, label: name)
        let result = load(workspace.path)
        let actual = renderedLines(result.diagnostics, root: workspace.path)
        #expect(actual == expected, "\(name)")
        #expect(!expected.isEmpty)
    }

    @Test func theSmallWorkspaceIsClean() {
        let result = load(Paths.small)
        #expect(result.diagnostics.isEmpty, "\(rendered(result.diagnostics, root: Paths.small))")
        #expect(result.workspace?.catalogue.allItems.count == 6)
    }

    @Test func theDefaultWorkspaceIsClean() throws {
        let result = WorkspaceLoader(root: Paths.repository).load()
        #expect(result.diagnostics.isEmpty, "\(rendered(result.diagnostics, root: Paths.repository))")
        let workspace = try #require(result.workspace)
        #expect(workspace.street.name == "东湖街道")
        #expect(workspace.street.communities.count == 9)
        #expect(workspace.street.groups.count == 7)
        #expect(workspace.catalogue.allItems.count >= 60)
        for group in workspace.street.groups {
            #expect(workspace.tasks.filter { $0.group.id == group.id }.count >= 3, "\(group.name)")
        }
    }

    @Test func aMissingWorkspaceGetsAOneLineHint() {
        let result = WorkspaceLoader(root: "/nonexistent/ws").load()
        #expect(
            result.diagnostics.map { $0.rendered() } == [
                "error: no workspace at /nonexistent/ws; pass --workspace DIR, the folder that holds checklists/taizhang.xml [workspace.missing]"
            ])
    }
}
