import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangTracker

extension Taizhang {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Build the ledger pack: binder folders, covers, catalogues, item sheets and indexes.",
            discussion: """
                Writes output/<street>-<year>/ (or --out DIR). Files you put into the pack are never \
                deleted, moved or overwritten; regenerating unchanged input changes nothing.
                """)

        @OptionGroup var tracking: TrackerOptions
        var options: WorkspaceOptions { tracking.workspace }

        @OptionGroup var pack: PackLocationOptions

        @Option(parsing: .upToNextOption, help: "Only these communities (ids).")
        var community: [String] = []

        @Flag(help: "Show what would be written without touching the disk.")
        var dryRun = false

        func run() throws {
            let workspace = try options.load()
            let known = Set(workspace.street.communities.map(\.id))
            for id in community where !known.contains(id) {
                throw ValidationError("unknown community \"\(id)\"; known: \(workspace.street.communities.map(\.id).joined(separator: ", "))")
            }
            let templates = try options.templates(PackGenerator.requiredTemplates)
            let outputRoot = pack.outputRoot(options)
            let progress = Progress("生成")
            var generation = PackGenerator.Options(
                outputRoot: outputRoot, communities: community.isEmpty ? nil : community, dryRun: dryRun,
                progress: { done, total, name in progress.update(done: done, total: total, detail: name) })
            if let tracker = try tracking.existingTracker(for: workspace) {
                generation.statuses = try tracker.statusSource()
                generation.scoring = try MockScoring(tracker: tracker).packScoring()
            }
            let result = PackGenerator(workspace: workspace, templates: templates).generate(generation)
            progress.finish()
            let diagnostics = DiagnosticsEngine(root: result.packRoot)
            diagnostics.emit(result.diagnostics)
            let report = result.report
            let verb = dryRun ? "would write" : "wrote"
            if dryRun {
                for path in report.created { Console.out("create  \(path)") }
                for path in report.updated { Console.out("update  \(path)") }
                for path in report.removed { Console.out("remove  \(path)") }
            }
            Console.out(
                "\(result.packRoot): \(verb) \(report.written) files (\(report.created.count) new, \(report.updated.count) changed), "
                    + "\(report.unchanged) unchanged, \(report.removed.count) removed, \(report.keptEdited.count) kept as edited")
            let total = result.units.reduce(into: (0, 0)) {
                $0.0 += $1.present; $0.1 += $1.expected
            }
            Console.out("documents present: \(total.0)/\(total.1) across \(result.units.count) sections")
            if diagnostics.hasErrors { throw ExitCode.dataError }
        }

    }
}
