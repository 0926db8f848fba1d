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
}
