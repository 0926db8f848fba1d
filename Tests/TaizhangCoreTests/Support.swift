import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangTestSupport

/// Paths of the repository and of this target's fixtures.
enum Paths {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = here.appendingPathComponent("Fixtures").path
    static let repository = Repository.root
    static let schema = Repository.schema
    static let small = fixtures + "/small"
}

/// Loads a workspace with the repository's schema.
func load(_ root: String) -> WorkspaceLoader.Result {
    WorkspaceLoader(root: root, schemaFile: Paths.schema).load()
}

/// Diagnostics as the CLI prints them, relative to the workspace.
func rendered(_ diagnostics: [Diagnostic], root: String) -> [String] {
    diagnostics.sortedByLocation().map { $0.rendered(relativeTo: root) }
}

/// A fixture folder's case: the small workspace overlaid with the folder's files (without its
/// `expected.txt`), and the lines of that `expected.txt`.
func fixtureCase(_ folder: String, label: String) throws -> (workspace: TemporaryDirectory, expected: [String]) {
    let workspace = try TemporaryDirectory(label)
    try workspace.overlay(Paths.small)
    try workspace.overlay(folder)
    try? FileManager.default.removeItem(atPath: workspace.path + "/expected.txt")
    let expected = try String(contentsOfFile: folder + "/expected.txt", encoding: .utf8)
        .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    return (workspace, expected)
}

/// Diagnostics as the CLI prints them, one printed line per element (notes on their own lines).
func renderedLines(_ diagnostics: [Diagnostic], root: String) -> [String] {
    rendered(diagnostics, root: root).flatMap { $0.split(separator: "\n").map(String.init) }
}
