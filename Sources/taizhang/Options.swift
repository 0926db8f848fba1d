import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangDiagnostics

/// Options every command that reads the checklists shares.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .long, help: "The workspace folder (the one holding checklists/).")
    var workspace: String = "."

    @Flag(name: .long, help: "Treat warnings as errors.")
    var strict = false

    var root: String { URL(fileURLWithPath: workspace).standardizedFileURL.path }

    /// Loads and validates the workspace, printing every diagnostic. Exits 65 on errors
    /// (or warnings with --strict).
    func load(printSummary: Bool = false) throws -> Workspace {
        let result = WorkspaceLoader(root: root).load()
        Console.print(result.diagnostics, relativeTo: root)
        let failed = result.diagnostics.hasErrors || (strict && result.diagnostics.warningCount > 0)
        if printSummary || failed {
            Console.summary(result.diagnostics)
        }
        guard !failed, let workspace = result.workspace else { throw ExitCode(65) }
        return workspace
    }
}

/// Where output goes: diagnostics and progress to stderr, results to stdout.
enum Console {
    static func print(_ diagnostics: [Diagnostic], relativeTo root: String) {
        for diagnostic in diagnostics.sortedByLocation() {
            error(diagnostic.rendered(relativeTo: root))
        }
    }

    static func summary(_ diagnostics: [Diagnostic]) {
        let errors = diagnostics.errorCount, warnings = diagnostics.warningCount
        error("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
    }

    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
