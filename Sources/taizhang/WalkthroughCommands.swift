import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangTracker

extension Taizhang {
    struct Walkthrough: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "walkthrough",
            abstract: "Print a mock-inspection walkthrough sheet for a community (内部资料).",
            discussion: """
                Reads walkthrough/<community>/households.csv and route.csv (UTF-8 or GB18030, as Excel \
                saves them) and writes an A4 sheet into the community's folder of the pack, under \
                "99 模拟检查（内部资料）". The same --seed gives the same sheet.
                """)

        @OptionGroup var tracking: TrackerOptions
        @Option(help: "Community id, or street for the street office's own ledger room.") var community: String
        @Option(help: "Random seed; printed on the sheet (default: a new random one).") var seed: UInt64?
        @Option(help: "Households to sample.") var households = 5
        @Option(help: "Ledger documents to sample.") var documents = 8
        @Option(help: "Date of the check (YYYY-MM-DD); blank on the sheet if omitted.") var date: Day?
        @OptionGroup var pack: PackLocationOptions
        @Flag(help: "Also print to PDF with headless Chromium.") var pdf = false

        func validate() throws {
            guard households >= 0, documents >= 0 else { throw ValidationError("--households and --documents cannot be negative") }
        }

        func run() throws {
            let options = tracking.workspace
            let workspace = try options.load()
            let plan = PackPlanner(workspace: workspace).plan()
            // The street section is a unit like the others: its office rehearses its own ledger room.
            guard let unit = plan.unit(id: community) else {
                let known = plan.units.map(\.id).joined(separator: ", ")
                throw ValidationError("unknown community \"\(community)\" or it holds no ledgers; known: \(known)")
            }
            let (data, problems) = WalkthroughData.load(workspace: options.root, community: community)
            let diagnostics = DiagnosticsEngine(root: options.root)
            diagnostics.emit(problems)
            guard let data else {
                try diagnostics.exitIfFailed(summary: true)
                throw ExitCode.dataError
            }
            let templates = try options.templates(PackGenerator.walkthroughTemplates)
            let paths = pack.paths(options, plan: plan)
            let statuses = try tracking.statusSource(for: workspace)
            let chosenSeed = seed ?? UInt64.random(in: 1...999_999)
            let builder = WalkthroughBuilder(
                workspace: workspace, unit: unit, data: data,
                present: WalkthroughBuilder.presentCounts(unit: unit, paths: paths), statuses: statuses)
            let sheet = WalkthroughBuilder.Options(seed: chosenSeed, households: households, documents: documents, date: date)
            let bytes = try diagnostics.check { () throws(Diagnostic) in try builder.render(sheet, templates: templates) }
            let path = try WalkthroughWriter.write(bytes, unitRoot: paths.unitRoot(unit), seed: chosenSeed)
            Console.out("\(path) (seed \(chosenSeed))")
            if pdf { try PDFPrinter.print(html: path) }
        }
    }

    struct Mock: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mock",
            abstract: "Record mock-inspection results.",
            subcommands: [Record.self])

        struct Record: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "record",
                abstract: "Record a spot-check result: pass marks the item verified (已抽验), fail flags it.")

            @OptionGroup var options: TrackerOptions
            @Option(help: "Community id, or street.") var community: String
            @Option(help: "Item code.") var item: String
            @Option(help: "pass or fail.") var result: MockScoring.Result
            @Option(help: "Who checked (person id).") var by: String
            @Option var note: String?
            @Option(help: "Cases found (e.g. 漏登 persons), read by the indicator's deductPerCase rules.") var cases: Int?
            @Option(help: "A rate measured, in percent (e.g. 93.5), read by rate and threshold rules.") var rate: Double?
            @Flag(help: "Record a pass even though the item's folder holds no documents (needs --note).") var force = false
            @OptionGroup var pack: PackLocationOptions

            func validate() throws {
                if let cases, cases < 0 { throw ValidationError("--cases must be 0 or more") }
                if let rate, !(0...100).contains(rate) { throw ValidationError("--rate is a percentage from 0 to 100") }
            }

            func run() throws {
                let tracker = try options.tracker()
                try options.perform {
                    let scoring = MockScoring(tracker: tracker)
                    do {
                        if result == .pass {
                            // The documents in the item's folder now: a pass on an empty folder is refused.
                            let unit = try tracker.unit(community)
                            let present = WalkthroughBuilder.presentCounts(unit: unit, paths: pack.paths(options.workspace, plan: tracker.plan))[item] ?? 0
                            try scoring.checkPass(item: item, unit: community, present: present, force: force, note: note)
                        }
                        try scoring.record(item: item, unit: community, result: result, by: by, note: note, cases: cases, rate: rate)
                    } catch let failure as MockScoring.Failure {
                        throw DiagnosticsEngine(root: options.workspace.root).fail(failure.id, failure.description)
                    }
                }
                let score = try MockScoring(tracker: tracker).estimatedScores()[community] ?? "—"
                Console.out("\(item) \(community): \(result == .pass ? "通过（已抽验）" : "未通过（已标记）") · 预估得分 \(score)")
            }
        }
    }
}

/// `walkthrough --pdf`: the sheet to PDF beside it, through the one Chromium runner.
enum PDFPrinter {
    static func print(html: String) throws {
        guard let chromium = Chromium.find() else {
            throw DiagnosticsEngine().fail(
                "walkthrough.no-chromium",
                "--pdf needs headless Chromium, which is not installed (Debian: \(Chromium.installHint)); the HTML sheet was written and can be printed from any browser",
                exit: .unavailable)
        }
        let pdf = try DiagnosticsEngine().check { () throws(Diagnostic) in try PDFWriter.printBeside(html: html, chromium: chromium) }
        Console.out(pdf)
    }
}
