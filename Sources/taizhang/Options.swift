import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangXML

/// Options every command that reads the checklists shares.
struct WorkspaceOptions: ParsableArguments {
    @Option(help: "The workspace folder (the one holding checklists/).")
    var workspace: String = "."

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    var root: String { Self.root(workspace) }

    static func root(_ workspace: String) -> String { StandardPath.of(workspace) }

    /// Loads and validates the workspace, printing every diagnostic (through `output`). Exits
    /// 65 on errors (or warnings with --strict).
    func load(printSummary: Bool = false, output: @escaping (String) -> Void = Console.error) throws -> Workspace {
        try Self.load(root: root, strict: strict, printSummary: printSummary, output: output)
    }

    /// `load` for a workspace folder given as an absolute, standardised path (see `root`).
    /// `leavingDocumentToExit`: the command ends after this (see `WorkspaceLoader`).
    static func load(
        root: String, strict: Bool, printSummary: Bool, leavingDocumentToExit: Bool = false, output: @escaping (String) -> Void = Console.error
    ) throws -> Workspace {
        let diagnostics = DiagnosticsEngine(root: root, strict: strict, output: output)
        var loader = WorkspaceLoader(root: root)
        loader.leavesDocumentToExit = leavingDocumentToExit
        let result = loader.load()
        diagnostics.emit(result.diagnostics)
        try diagnostics.exitIfFailed(summary: printSummary || diagnostics.failed)
        guard let workspace = result.workspace else { throw ExitCode.dataError }
        return workspace
    }
}

/// Where packs are: shared by every command that writes or reads a pack.
struct PackLocationOptions: ParsableArguments {
    @Option(help: "Where packs are written and read (default: <workspace>/output).")
    var out: String?

    /// The folder holding the packs (`<street>-<year>/`).
    func outputRoot(_ workspace: WorkspaceOptions) -> String {
        out.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? workspace.root + "/output"
    }

    /// The folders of this plan's pack.
    func paths(_ workspace: WorkspaceOptions, plan: PackPlan) -> PackPaths {
        PackPaths(outputRoot: outputRoot(workspace), plan: plan)
    }
}

extension WorkspaceOptions {
    /// The workspace's templates, parsed; exits 65 with file:line:col diagnostics on errors.
    func templates(_ required: [String]) throws -> TemplateSet {
        do {
            return try TemplateSet(directory: root + "/" + TemplateSet.folder, required: required)
        } catch {
            let diagnostics = DiagnosticsEngine(root: root)
            diagnostics.emit(error.diagnostics)
            try diagnostics.exitIfFailed(summary: true)
            throw ExitCode.dataError
        }
    }
}

/// Where output goes: diagnostics (through `DiagnosticsEngine`) and progress to stderr,
/// results to stdout.
enum Console {
    /// One line on standard error; problems go through `DiagnosticsEngine` instead.
    static func error(_ line: String) {
        FileHandle.standardError.write(bytes(line))
    }

    static func out(_ line: String) {
        FileHandle.standardOutput.write(bytes(line))
    }

    /// The line and a newline as UTF-8. `Data(string.utf8)` goes through Data's generic
    /// initializer, whose dynamic casts scan the runtime's conformance table on first use.
    private static func bytes(_ line: String) -> Data {
        var text = line + "\n"
        return text.withUTF8 { buffer in buffer.baseAddress.map { Data(bytes: $0, count: buffer.count) } ?? Data() }
    }
}
