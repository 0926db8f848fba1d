import ArgumentParser
import Foundation

/// The `taizhang` command: thin wrappers around TaizhangCore.
///
/// Every command names itself (`commandName:`): without it ArgumentParser derives the name
/// with `String(describing:)` of the type, and each of those dynamic casts scanned the
/// runtime's whole conformance table: a quarter of the start-up of every command.
@main
struct Taizhang: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taizhang",
        abstract: "Ledger (台账) packs, trackers and walkthroughs for the family-planning assessment.",
        subcommands: [
            Validate.self, Generate.self, Tick.self, Untick.self, Tasks.self, Task.self, Status.self, Log.self,
            Walkthrough.self, Mock.self, Serve.self, User.self, Scan.self, File.self, Changes.self,
            Backup.self, Restore.self, FiguresCommand.self, Score.self, Gaps.self,
            Print.self, Find.self,
            Init.self, NewYear.self,
            Export.self, Import.self, Pack.self,
        ]
    )

    /// ArgumentParser's `main`, with two changes:
    /// - A tracker store's error that no command caught (a read-only command losing its
    ///   PostgreSQL server midway) ends as everywhere else, with its diagnostic and exit code,
    ///   not with a generic "Error:".
    /// - Synchronous commands run here, on the main thread. ArgumentParser's own `main` runs
    ///   every command on a worker thread of the concurrency pool, where glibc's malloc grows a
    ///   per-thread heap one `mprotect` at a time: 1,358 of them in one `validate` of the city
    ///   workspace, a tenth of its time. `serve` still runs on the pool as before.
    /// - A plain `validate` command line skips ArgumentParser (see `Validate.quickOptions`).
    @MainActor static func main() async {
        do {
            if let quick = Validate.quickOptions(Array(CommandLine.arguments.dropFirst())) {
                _ = try WorkspaceOptions.load(
                    root: WorkspaceOptions.root(quick.workspace), strict: quick.strict, printSummary: true, leavingDocumentToExit: true)
                return
            }
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let error = TrackerOptions.storeFailure(error, root: nil) ?? error
            // A bare exit code (diagnostics already printed) ends at once: ArgumentParser's
            // `exit(withError:)` builds the whole help text first, to print nothing with it.
            if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
            exit(withError: error)
        }
    }
}
