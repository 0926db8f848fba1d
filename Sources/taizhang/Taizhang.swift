import ArgumentParser

/// The `taizhang` command: thin wrappers around TaizhangCore.
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

    /// ArgumentParser's `main`, except that a tracker store's error that no command caught (a
    /// read-only command losing its PostgreSQL server midway) ends as everywhere else, with its
    /// diagnostic and exit code, not with a generic "Error:".
    static func main() async {
        do {
            var command = try await asyncParseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: TrackerOptions.storeFailure(error, root: nil) ?? error)
        }
    }
}
