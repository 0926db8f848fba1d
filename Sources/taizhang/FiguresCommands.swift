import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangDiagnostics

extension Taizhang {
    /// Named apart from TaizhangCore's `Figures` (the model), which commands may need.
    struct FiguresCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "figures",
            abstract: "The statistical figures (数据统计): recompute rates and sums the way inspectors do.",
            subcommands: [Check.self])
    }
}

extension Taizhang.FiguresCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check checklists/figures.xml: rates against their counts, wholes against their parts, ranges, figures reported twice.",
            discussion: """
                Every flag names the reported value (file:line:col), writes the arithmetic out and \
                names the rule. A rule with an explanation (说明) reports a note instead. Exits 65 \
                when a rule without explanation fails, 0 otherwise.
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @OptionGroup var options: WorkspaceOptions

        @Option(name: .long, help: "Only this unit: a community id, or street.")
        var community: String?

        @Option(name: .long, help: "text (diagnostics on stderr) or json (on stdout).")
        var format: Format = .text

        func run() throws {
            let workspace = try options.load()
            if workspace.figures.isEmpty {
                Console.error("no figures defined; add checklists/figures.xml and include it from checklists/taizhang.xml (see README)")
            }
            var units: Set<String>?
            if let community {
                let known = [FigureUnit.street] + workspace.street.communities.map(\.id)
                guard known.contains(community) else {
                    throw ValidationError("unknown community \"\(community)\"; known: \(known.joined(separator: ", "))")
                }
                units = [community]
            }
            let flags = FiguresChecker(workspace: workspace).check(units: units)
            let diagnostics = flags.map { $0.diagnostic() }
            switch format {
            case .text:
                let engine = DiagnosticsEngine(root: options.root, strict: options.strict)
                engine.emit(diagnostics)
                let notes = diagnostics.count { $0.severity == .note }
                Console.error(
                    "\(diagnostics.errorCount) error\(diagnostics.errorCount == 1 ? "" : "s"), "
                        + "\(diagnostics.warningCount) warning\(diagnostics.warningCount == 1 ? "" : "s"), "
                        + "\(notes) note\(notes == 1 ? "" : "s")")
            case .json:
                Console.out(try FigureFlagReport(flags: flags, root: options.root).json())
            }
            if diagnostics.hasErrors || (options.strict && diagnostics.warningCount > 0) { throw ExitCode.dataError }
        }
    }
}
