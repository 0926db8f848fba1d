import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangTracker

extension Taizhang {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build the ledger pack: binder folders, covers, catalogues, item sheets and indexes.",
            discussion: """
                Writes output/<street>-<year>/ (or --out DIR). Files you put into the pack are never \
                deleted, moved or overwritten; regenerating unchanged input changes nothing.
                """)

        @OptionGroup var tracking: TrackerOptions
        var options: WorkspaceOptions { tracking.workspace }

        @Option(name: .long, help: "Where packs are written (default: <workspace>/output).")
        var out: String?

        @Option(name: .long, parsing: .upToNextOption, help: "Only these communities (ids).")
        var community: [String] = []

        @Flag(name: .long, help: "Show what would be written without touching the disk.")
        var dryRun = false

        func run() throws {
            let workspace = try options.load()
            let known = Set(workspace.street.communities.map(\.id))
            for id in community where !known.contains(id) {
                throw ValidationError("unknown community \"\(id)\"; known: \(workspace.street.communities.map(\.id).joined(separator: ", "))")
            }
            let templates = try options.templates(PackGenerator.requiredTemplates)
            let outputRoot = out.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? options.root + "/output"
            let progress = Console.progress()
            let tracked = try statuses(workspace)
            var generation = PackGenerator.Options(outputRoot: outputRoot, communities: community.isEmpty ? nil : community, dryRun: dryRun,
                                                   progress: progress, statuses: tracked?.statuses)
            generation.scoring = tracked?.scoring
            let result = PackGenerator(workspace: workspace, templates: templates).generate(generation)
            Console.endProgress()
            Console.print(result.diagnostics, relativeTo: result.packRoot)
            let report = result.report
            let verb = dryRun ? "would write" : "wrote"
            if dryRun {
                for path in report.created { Console.out("create  \(path)") }
                for path in report.updated { Console.out("update  \(path)") }
                for path in report.removed { Console.out("remove  \(path)") }
            }
            Console.out("\(result.packRoot): \(verb) \(report.written) files (\(report.created.count) new, \(report.updated.count) changed), "
                + "\(report.unchanged) unchanged, \(report.removed.count) removed, \(report.keptEdited.count) kept as edited")
            let total = result.units.reduce(into: (0, 0)) { $0.0 += $1.present; $0.1 += $1.expected }
            Console.out("documents present: \(total.0)/\(total.1) across \(result.units.count) sections")
            if result.diagnostics.hasErrors { throw ExitCode(65) }
        }

        /// The tracker's statuses for the indexes, when a tracker database exists; orphaned
        /// records (items no longer in the catalogue) are reported, never dropped.
        func statuses(_ workspace: Workspace) throws -> (statuses: any ItemStatusSource, scoring: PackScoring)? {
            let path = tracking.databasePath
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            do {
                let tracker = Tracker(workspace: workspace, store: try SQLiteTrackerStore.forReading(path: path))
                for record in try tracker.orphanedRecords() {
                    Console.error("warning: tracker record for \(record.key.unit)/\(record.key.item) (\(record.status.chinese)) refers to an item no longer in the catalogue; it is kept [tracker.orphaned-record]")
                }
                return (try tracker.statusSource(), try MockScoring(tracker: tracker).packScoring())
            } catch let error as SQLiteTrackerStore.OpenError {
                Console.error("error: \(error.description)")
                throw ExitCode(65)
            }
        }
    }
}
