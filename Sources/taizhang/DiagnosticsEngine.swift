import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangTracker

/// The exit codes of the tool, named once (BSD `sysexits.h`).
extension ExitCode {
    /// EX_USAGE: the command line is wrong. ArgumentParser's `ValidationError` exits with it too.
    static let usage = ExitCode(64)
    /// EX_DATAERR: the input (checklists, templates, CSV, tracker database, a refused change) is wrong.
    static let dataError = ExitCode(65)
    /// EX_UNAVAILABLE: a program the command needs (headless Chromium) is not installed.
    static let unavailable = ExitCode(69)
}

/// The one path by which commands report problems, after swift-format's `DiagnosticsEngine`
/// and `Frontend`: every problem is a `Diagnostic` (`file:line:col: error: message [id]`),
/// printed to standard error as it arrives and counted for the summary and the exit code.
/// Commands never format an `error:` line themselves.
final class DiagnosticsEngine {
    /// Files inside this folder are printed relative to it.
    let root: String?
    /// `--strict`: warnings fail the command as errors do.
    let strict: Bool
    private(set) var diagnostics: [Diagnostic] = []
    private let output: (String) -> Void

    init(root: String? = nil, strict: Bool = false, output: @escaping (String) -> Void = Console.error) {
        self.root = root
        self.strict = strict
        self.output = output
    }

    var hasErrors: Bool { diagnostics.hasErrors }

    /// The command must stop: errors, or warnings under `--strict`.
    var failed: Bool { hasErrors || (strict && diagnostics.warningCount > 0) }

    func emit(_ diagnostic: Diagnostic, relativeTo base: String? = nil) {
        diagnostics.append(diagnostic)
        output(diagnostic.rendered(relativeTo: base ?? root))
    }

    /// Emits a batch in file, line and column order.
    func emit(_ batch: [Diagnostic], relativeTo base: String? = nil) {
        for diagnostic in batch.sortedByLocation() { emit(diagnostic, relativeTo: base) }
    }

    /// `2 errors, 1 warning`
    func printSummary() {
        let errors = diagnostics.errorCount, warnings = diagnostics.warningCount
        output("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
    }

    /// Emits an error and returns the exit code to throw: `throw diagnostics.fail(...)`.
    func fail(_ diagnostic: Diagnostic, exit code: ExitCode = .dataError) -> ExitCode {
        emit(diagnostic)
        return code
    }

    func fail(_ id: String, _ message: String, exit code: ExitCode = .dataError) -> ExitCode {
        fail(.error(id, message), exit: code)
    }

    /// Runs a step whose failure is a diagnostic; on failure emits it and throws `EX_DATAERR`.
    func check<T>(_ body: () throws(Diagnostic) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw fail(error)
        }
    }

    /// Throws `EX_DATAERR` when the command must stop (see `failed`).
    func exitIfFailed(summary: Bool = false) throws {
        if summary { printSummary() }
        if failed { throw ExitCode.dataError }
    }
}

extension Tracker.Failure {
    /// The refusal or unknown name as the tool reports it.
    var diagnostic: Diagnostic {
        let id =
            switch self {
            case .unknownPerson: "tracker.unknown-person"
            case .unknownUnit: "tracker.unknown-community"
            case .unknownItem: "tracker.unknown-item"
            case .unknownTask: "tracker.unknown-task"
            case .forbidden: "tracker.forbidden"
            case .reasonRequired: "tracker.reason-required"
            }
        return .error(id, description)
    }
}

extension Tracker.Failure {
    /// The refusal as the tool reports it; an unknown id also names the nearest known ones.
    func diagnostic(nearestIn workspace: Workspace?) -> Diagnostic {
        var diagnostic = self.diagnostic
        guard let workspace else { return diagnostic }
        let units = PackPlanner(workspace: workspace).plan().units
        switch self {
        case .unknownPerson(let id): diagnostic.message += NearestNames.didYouMean(id, among: workspace.street.people.map(\.id))
        case .unknownUnit(let id): diagnostic.message += NearestNames.didYouMean(id, among: units.map(\.id))
        case .unknownItem(let code, let unit):
            diagnostic.message += NearestNames.didYouMean(code, among: units.first { $0.name == unit }?.items.map(\.item.code) ?? [])
        case .unknownTask(let id): diagnostic.message += NearestNames.didYouMean(id, among: workspace.tasks.map(\.id))
        case .forbidden, .reasonRequired: break
        }
        return diagnostic
    }
}

extension SQLiteTrackerStore.OpenError {
    var diagnostic: Diagnostic { .error("tracker.database", message, at: SourceLocation(file: path)) }
}
