import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangTracker

extension Taizhang {
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scan",
            abstract: "Record every document in the pack (size, time, SHA-256); report what is new, changed or missing.",
            discussion:
                "A file is read again only when its inode, size, mtime or ctime changed since it was last hashed "
                + "(remembered in the pack's hidden .taizhang-scan-cache). Items that now hold documents become 已归档.")

        @OptionGroup var tracking: TrackerOptions
        @Option(help: "Only this community (id, or street).") var community: String?
        @OptionGroup var pack: PackLocationOptions
        @Flag(help: "List every item's completeness, not only the incomplete ones.") var all = false

        func run() throws {
            let tracker = try tracking.tracker()
            if let community { _ = try tracking.perform { try tracker.unit(community) } }
            let packRoot = pack.paths(tracking.workspace, plan: tracker.plan).packRoot
            guard FileManager.default.fileExists(atPath: packRoot) else {
                throw DiagnosticsEngine().fail("pack.missing", "no pack at \(packRoot); run taizhang generate first")
            }
            let clock = ContinuousClock()
            var report: EvidenceScanner.Report?
            var scanner = EvidenceScanner(tracker: tracker, packRoot: packRoot)
            scanner.leavesTablesToExit = true
            let progress = Progress("扫描")
            scanner.progress = { done, total in progress.update(done: done, total: total) }
            let elapsed = try clock.measure { report = try scanner.scan(community: community) }
            progress.finish()
            guard let report else { return }
            let kinds: [ScanChange.Kind: String] = [.added: "新增", .changed: "已改动", .removed: "已缺失"]
            for path in report.unreadable {
                Console.error("\(packRoot)/\(path): warning: could not be read now; its record was kept [scan.unreadable]")
            }
            for path in report.links {
                Console.error("\(packRoot)/\(path): warning: is a symbolic link; it was not followed or scanned [scan.symbolic-link]")
            }
            if let problem = report.cacheProblem {
                Console.error("\(packRoot)/\(ScanCache.fileName): warning: could not be written (\(problem)); the next scan reads every document again [scan.cache-unwritable]")
            }
            // The report goes out in one write: a city scan lists thousands of items.
            var lines: [String] = []
            func out(_ line: String) { lines.append(line) }
            for change in report.changes {
                out("\(kinds[change.kind] ?? "")  \(change.path)")
            }
            // Partly filed items by default (with the months they lack); --all lists every item.
            var empty = 0
            for item in report.completeness {
                if item.present == 0 && item.expected > 0 { empty += 1 }
                guard all || (item.present > 0 && (item.present < item.expected || !item.missingMonths.isEmpty)) else { continue }
                var line = "\(item.unitName) \(item.item) \(item.title)  \(item.present)/\(item.expected)"
                if !item.missingMonths.isEmpty && item.present > 0 {
                    line += "  缺：" + item.missingMonths.joined(separator: "、")
                }
                out(line)
            }
            if empty > 0 && !all { out("\(empty) items have no documents yet (--all lists them)") }
            let counts = Dictionary(grouping: report.changes, by: \.kind).mapValues(\.count)
            out(
                "scan \(report.scan.id): \(report.scan.files) documents, \(counts[.added] ?? 0) new, \(counts[.changed] ?? 0) changed, "
                    + "\(counts[.removed] ?? 0) missing; \(report.scan.hashed) hashed, \(report.unchanged) unchanged not re-read; "
                    + "\(report.filed.count) items now 已归档 (\(elapsed.formatted(.units(allowed: [.seconds, .milliseconds]))))")
            Console.out(lines.joined(separator: "\n"))
        }
    }

    struct File: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "file",
            abstract: "File incoming documents into the item folders their names point to.",
            discussion: "Matches each file name against the items' evidence hints. Ambiguous or unmatched files go to 待分拣. Never overwrites; copies, verifies the SHA-256, then removes the original.")

        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "Files to file.") var paths: [String]
        @Option(help: "Community id, or street.") var community: String
        @OptionGroup var pack: PackLocationOptions
        @Flag(help: "Show the decisions without moving anything.") var dryRun = false

        func run() throws {
            let workspace = try options.load()
            let plan = PackPlanner(workspace: workspace).plan()
            guard let unit = plan.unit(id: community) else {
                throw ValidationError("unknown community \"\(community)\"; known: street, \(workspace.street.communities.map(\.id).joined(separator: ", "))")
            }
            let filer = EvidenceFiler(unit: unit, unitRoot: pack.paths(options, plan: plan).unitRoot(unit))
            let diagnostics = DiagnosticsEngine(root: options.root)
            var filed = 0, unsorted = 0, failed = 0
            for outcome in filer.file(paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path }, dryRun: dryRun) {
                let name = URL(fileURLWithPath: outcome.source).lastPathComponent
                if let error = outcome.error {
                    failed += 1
                    diagnostics.emit(.error("evidence.file-failed", "\(error)", at: SourceLocation(file: outcome.source)))
                    continue
                }
                let arrow = dryRun ? "would go to" : "→"
                switch outcome.decision {
                case .file(let candidate):
                    filed += 1
                    Console.out("\(name) \(arrow) \(outcome.destination ?? "")  [\(candidate.code)：\(candidate.reasons.joined(separator: "；"))]")
                case .ambiguous(let candidates):
                    unsorted += 1
                    Console.out("\(name) \(arrow) \(outcome.destination ?? "")  [不确定，候选：\(candidates.map { "\($0.code) \($0.title)" }.joined(separator: "、"))]")
                case .unmatched:
                    unsorted += 1
                    Console.out("\(name) \(arrow) \(outcome.destination ?? "")  [没有匹配的台账条目]")
                }
            }
            Console.out("\(filed) filed, \(unsorted) to \(GeneratedName.unsortedFolder), \(failed) failed\(dryRun ? " (dry run: nothing moved)" : "")")
            if diagnostics.hasErrors { throw ExitCode.dataError }
        }
    }

    struct Changes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "changes",
            abstract: "What changed between two scans, per community (text or HTML).")

        @OptionGroup var tracking: TrackerOptions
        @Option(help: "From this scan (default: the one before --to).") var from: Int64?
        @Option(help: "To this scan (default: the latest).") var to: Int64?
        @Option(help: "text or html.") var format: ChangesFormat = .text

        enum ChangesFormat: String, ExpressibleByArgument { case text, html }

        func run() throws {
            let tracker = try tracking.tracker()
            let scans = try tracker.scans()
            guard let last = scans.last else {
                throw DiagnosticsEngine().fail("evidence.no-scans", "no scans yet; run taizhang scan")
            }
            let upper = to ?? last.id
            let lower = from ?? (scans.last { $0.id < upper }?.id ?? 0)
            let changes = try EvidenceScanner(tracker: tracker, packRoot: "").changes(from: lower, to: upper)
            let report = ChangeReport(tracker: tracker, from: lower, to: upper, changes: changes)
            if format == .html {
                let templates = try tracking.workspace.templates(["style", "changes"])
                let page = try DiagnosticsEngine(root: tracking.workspace.root).check { () throws(Diagnostic) in try templates.render("changes", report.page) }
                FileHandle.standardOutput.write(Data(page))
            } else {
                Console.out(report.text)
            }
        }
    }
}
