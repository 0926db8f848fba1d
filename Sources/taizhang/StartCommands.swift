import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangTracker

extension WorkspaceStarter.Content: EnumerableFlag {
    public static func help(for value: Self) -> ArgumentHelp? {
        switch value {
        case .example: "The shipped example street (东湖街道 2014) with its whole catalogue."
        case .empty: "A skeleton: one community, one group, one category with one sample indicator and item."
        }
    }
}

extension Taizhang {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new workspace: the shipped example, or an empty skeleton that validates at once.",
            discussion: """
                DIR must not exist yet or be empty: init never writes into a folder that holds files. The workspace \
                gets checklists/ (with the schema), templates/, a README.md in Chinese and a .gitignore; the example \
                also gets walkthrough/ (fictitious household data).
                """)

        @Argument(help: "The new workspace folder.") var directory: String
        @Flag var content: WorkspaceStarter.Content = .example
        @Option(help: "The assessment year of an --empty workspace (default: this year).") var year: Int?
        @Option(help: "Copy from this Taizhang checkout instead of the one the executable was built in.") var from: String?

        func validate() throws {
            if year != nil, content == .example {
                throw ValidationError("--year is for --empty; roll the example on with taizhang new-year")
            }
            if let year, !(2000...2099).contains(year) { throw ValidationError("--year must be between 2000 and 2099") }
        }

        func run() throws {
            let diagnostics = DiagnosticsEngine()
            let shipped: ShippedFiles
            if let from {
                guard let found = ShippedFiles(root: from) else {
                    throw diagnostics.fail("init.shipped-files", "\(from) does not hold Taizhang's checklists/ and templates/")
                }
                shipped = found
            } else {
                guard let found = ShippedFiles.locate(executable: ShippedFiles.currentExecutable) else {
                    throw diagnostics.fail(
                        .error(
                            "init.shipped-files", "cannot find the example, schema and templates beside \(ShippedFiles.currentExecutable)",
                            notes: ["pass --from DIR, a Taizhang checkout (the folder holding checklists/ and templates/)"]))
                }
                shipped = found
            }
            let year = year ?? ChinaTime.day(Date()).year
            let files = try diagnostics.check { () throws(Diagnostic) in
                try WorkspaceStarter.create(at: directory, content: content, shipped: shipped, year: year)
            }
            let what = content == .example ? "the example workspace" : "an empty workspace for \(year)"
            Console.out("created \(directory): \(what), \(files.count) files")
            Console.out("next: taizhang validate --workspace \(directory)")
        }
    }
}

extension Taizhang {
    struct NewYear: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new-year",
            abstract: "Start next year's drive from this year's definitions.",
            discussion: """
                Moves the assessment year, the statistical period, the inspection day, task due dates and every other \
                date in the checklists on to the new year (editing only those attribute values, so comments and layout stay), \
                and year numbers of the statistical year in names and titles (2014年… → 2015年…). Catalogue, people, \
                groups and tasks stay. Last year's tracker database and pack are moved to archive/<year>/ (never \
                deleted); a PostgreSQL tracker (--db postgres://…) keeps each year apart itself and is left as it is. \
                Stop taizhang serve first. What needs a human look is printed as warnings.
                """)

        @OptionGroup var options: TrackerOptions
        @OptionGroup var pack: PackLocationOptions
        @Option(help: "The new assessment year.") var year: Int
        @Option(help: "The new inspection day (default: last year's moved by a year, reported as a guess).") var inspectionDate: Day?
        @Flag(help: "Show what would change; change nothing.") var dryRun = false

        func run() throws {
            let root = options.workspace.root
            let workspace = try options.workspace.load()
            let diagnostics = DiagnosticsEngine(root: root)
            let rollover = try diagnostics.check { () throws(Diagnostic) in
                try YearRollover(workspace: workspace, year: year, inspectionDate: inspectionDate)
            }
            let checked = rollover.check(root: root)
            if checked.hasErrors {
                diagnostics.emit(checked)
                throw diagnostics.fail("new-year.invalid", "next year's checklists would not validate; nothing was changed")
            }
            let plan = PackPlanner(workspace: workspace).plan()
            // A PostgreSQL tracker keeps each (street, year) apart: nothing of it to archive.
            let archive = YearArchive(
                root: root, year: rollover.oldYear, pack: pack.paths(options.workspace, plan: plan).packRoot,
                database: options.isPostgres ? nil : options.databasePath)
            try diagnostics.check { () throws(Diagnostic) in try archive.check() }
            if !dryRun {
                let prepared = try diagnostics.check { () throws(Diagnostic) in try rollover.prepareFiles() }
                do throws(Diagnostic) {
                    try archive.perform()
                } catch {
                    prepared.discard()
                    throw diagnostics.fail(error)
                }
                do throws(Diagnostic) {
                    try prepared.commit()
                } catch {
                    // A rename failed (rare: the files were all written already): put the archive back.
                    archive.undo()
                    prepared.discard()
                    throw diagnostics.fail(error)
                }
            }
            for change in rollover.changes { Console.out(change.rendered(relativeTo: root)) }
            for move in archive.moves {
                Console.out("archive: \(Diagnostic.displayPath(move.from, relativeTo: root)) → \(Diagnostic.displayPath(move.to, relativeTo: root))")
            }
            if let server = options.database, options.isPostgres {
                let street = workspace.street.id
                Console.out(
                    "tracker: \(PostgresTrackerStore.displayAddress(server)) keeps \(rollover.oldYear)'s records under (\(street), \(rollover.oldYear)); "
                        + "\(rollover.newYear) starts empty under (\(street), \(rollover.newYear)), beside them; nothing is archived there")
            }
            diagnostics.emit(rollover.findings)
            let verb = dryRun ? "would move" : "moved"
            Console.out(
                "\(verb) \(workspace.street.name) from \(rollover.oldYear) to \(rollover.newYear): inspection day \(rollover.inspectionDate), "
                    + "\(rollover.changes.count) values in \(rollover.edits.count) files, \(archive.moves.count) archived; "
                    + "\(rollover.findings.count) \(rollover.findings.count == 1 ? "thing needs" : "things need") a human look")
        }
    }
}
