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
            let outputRoot = pack.outputRoot(options)
            // A run whose inputs and pack are as the last finished run left them is not done
            // again (see `RunCache`); not for a dry run, nor on a PostgreSQL tracker, whose
            // changes leave no trace on this machine's disk.
            let cache = dryRun || tracking.isPostgres ? nil : RunCache(outputRoot: outputRoot, workspaceRoot: options.root)
            let started = RunCache.runStart()
            let last = cache?.read()
            // With a cold page cache the pack's listing is most of a no-op run (a disk read per
            // folder): it starts now, and the inputs' digest is taken meanwhile.
            let listing = last.map { RunCache.PendingListing(of: $0.packRoot) }
            let base = cache?.inputs(settings: settings(outputRoot: outputRoot), extraFiles: last?.extraFiles ?? [])
            let inputs = base.map { RunCache.withTracker($0, trackerStamp()) }
            if let record = RunCache.hit(last, inputs: inputs, listing: listing) {
                return replay(record)
            }
            cache?.remove()
            let log = MessageLog()
            let workspace = try options.load(output: log.print)
            let known = Set(workspace.street.communities.map(\.id))
            for id in community where !known.contains(id) {
                throw ValidationError("unknown community \"\(id)\"; known: \(workspace.street.communities.map(\.id).joined(separator: ", "))")
            }
            let templates = try options.templates(PackGenerator.requiredTemplates)
            let progress = Progress("生成")
            var generation = PackGenerator.Options(
                outputRoot: outputRoot, communities: community.isEmpty ? nil : community, dryRun: dryRun,
                progress: { done, total, name in progress.update(done: done, total: total, detail: name) })
            // Communities whose own inputs are unchanged keep their pages (`UnitKey`); not those
            // with a page the user edited, which must be reported again.
            generation.unitInputs = base
            let edited = Set((last?.keptEdited ?? []).compactMap { $0.split(separator: "/").first.map(String.init) })
            generation.previousUnitKeys = (last?.units ?? [:]).filter { !edited.contains($0.key) }
            if let tracker = try tracking.existingTracker(for: workspace, output: log.print) {
                generation.statuses = try tracker.statusSource()
                generation.scoring = try MockScoring(tracker: tracker).packScoring()
            }
            let result = PackGenerator(workspace: workspace, templates: templates).generate(generation)
            progress.finish()
            let diagnostics = DiagnosticsEngine(root: result.packRoot, output: log.print)
            // Pack files read relative to the pack, the workspace's files (figures) to the workspace.
            for diagnostic in result.diagnostics.sortedByLocation() {
                let inPack = diagnostic.location.map { $0.file.hasPrefix(result.packRoot + "/") } ?? true
                diagnostics.emit(diagnostic, relativeTo: inPack ? result.packRoot : options.root)
            }
            let report = result.report
            let verb = dryRun ? "would write" : "wrote"
            if dryRun {
                for path in report.created { Console.out("create  \(path)") }
                for path in report.updated { Console.out("update  \(path)") }
                for path in report.removed { Console.out("remove  \(path)") }
            }
            let total = result.units.reduce(into: (0, 0)) {
                $0.0 += $1.present; $0.1 += $1.expected
            }
            summarize(packRoot: result.packRoot, verb: verb, report: report, present: total.0, expected: total.1, sections: result.units.count)
            if diagnostics.hasErrors { throw ExitCode.dataError }
            guard let cache, let inputs else { return }
            // Any other file changed in the pack since the run began was someone else's doing,
            // which the next run must see; and every generated file must still be there.
            let generated = result.manifest.entries
            guard let listing = RunCache.listing(of: result.packRoot, since: started, ours: { generated[$0] != nil || $0 == GeneratedName.manifest }),
                !listing.changedByOthers, listing.ownFiles == generated.count + 1
            else { return }
            // Files read from outside checklists/ that the digest did not cover yet: recorded,
            // so that the next run covers them, but that run is not skipped.
            let extraFiles = workspace.filesOutsideChecklists
            let covered = extraFiles == (last?.extraFiles ?? [])
            cache.save(
                RunCache.Record(
                    inputs: covered ? inputs : "", packRoot: result.packRoot, listing: listing.digest, extraFiles: extraFiles,
                    unchanged: report.unchanged + report.written, keptEdited: report.keptEdited, present: total.0, expected: total.1,
                    sections: result.units.count, messages: log.lines, units: result.unitKeys))
        }

        /// What the tracker holds now (`Tracker.changeStamp`), nil without a database; taken
        /// before the run reads it. A database that cannot be opened gives a stamp of its own,
        /// and the full run then reports why.
        private func trackerStamp() -> String? {
            guard FileManager.default.fileExists(atPath: tracking.databasePath) else { return nil }
            do {
                return try Tracker.changeStamp(of: SQLiteTrackerStore.forReading(path: tracking.databasePath))
            } catch {
                return "unreadable \(UUID())"
            }
        }

        /// The options that change what a run writes, for the run cache's digest.
        private func settings(outputRoot: String) -> [String] {
            ["out " + outputRoot, "strict \(options.strict)", "communities " + community.joined(separator: ","), "db " + tracking.databasePath]
        }

        private func summarize(packRoot: String, verb: String, report: PackWriter.Report, present: Int, expected: Int, sections: Int) {
            Console.out(
                "\(packRoot): \(verb) \(report.written) files (\(report.created.count) new, \(report.updated.count) changed), "
                    + "\(report.unchanged) unchanged, \(report.removed.count) removed, \(report.keptEdited.count) kept as edited")
            Console.out("documents present: \(present)/\(expected) across \(sections) sections")
        }

        /// What the recorded run would print again: its warnings, and that nothing changed.
        private func replay(_ record: RunCache.Record) {
            for line in record.messages { Console.error(line) }
            var report = PackWriter.Report()
            report.unchanged = record.unchanged
            report.keptEdited = record.keptEdited
            summarize(
                packRoot: record.packRoot, verb: "wrote", report: report, present: record.present, expected: record.expected,
                sections: record.sections)
            Console.out(Self.skippedNote)
        }

        /// The last line of a run the run cache skipped.
        static let skippedNote = "nothing changed since the last run: the workspace was not read again"
    }
}

/// The diagnostics a run prints, kept so that a run skipped by the run cache can say them again.
final class MessageLog {
    private(set) var lines: [String] = []

    func print(_ line: String) {
        lines.append(line)
        Console.error(line)
    }
}
