import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangDiagnostics

extension PackPrinter.Part: ExpressibleByArgument {}

extension Taizhang {
    struct Print: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "print",
            abstract: "Print the pack to PDF with headless Chromium: one PDF per section, in binder order, and the spine labels.",
            discussion: """
                Writes into the pack's 打印 folder: "<section>.pdf" (covers, 目录 and item sheets of every \
                binder, in order), "脊条.pdf" (the spine labels of every printed section), and apart, never \
                for a binder: "<section> 准备清单（内部）.pdf" and "<section> 速查表.pdf". --what walkthrough \
                prints the walkthrough sheets already written (taizhang walkthrough) to PDFs beside them. \
                Needs Chromium (Debian: apt-get install chromium fonts-noto-cjk); exits 69 without it.
                """)

        @OptionGroup var tracking: TrackerOptions
        @OptionGroup var pack: PackLocationOptions
        @Option(parsing: .upToNextOption, help: "Only these communities (ids; street for the street section). Default: the whole pack.")
        var community: [String] = []
        @Option(
            help: ArgumentHelp(
                "What to print, comma-separated: \(PackPrinter.Part.allCases.map(\.rawValue).joined(separator: ",")).",
                valueName: "parts"))
        var what = "covers,catalogues,sheets,spines"

        func parts() throws -> Set<PackPrinter.Part> {
            var parts = Set<PackPrinter.Part>()
            for name in what.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                guard let part = PackPrinter.Part(rawValue: name) else {
                    throw ValidationError("unknown --what \"\(name)\"; choose from \(PackPrinter.Part.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                parts.insert(part)
            }
            guard !parts.isEmpty else { throw ValidationError("--what names nothing to print") }
            return parts
        }

        func validate() throws { _ = try parts() }

        func run() throws {
            let options = tracking.workspace
            let workspace = try options.load()
            let diagnostics = DiagnosticsEngine(root: options.root)
            guard let chromium = Chromium.find() else {
                throw diagnostics.fail(
                    "print.no-chromium", "printing needs headless Chromium, which is not installed (Debian: \(Chromium.installHint))", exit: .unavailable)
            }
            let parts = try parts()
            let plan = PackPlanner(workspace: workspace).plan()
            var units = plan.units
            if !community.isEmpty {
                let known = Set(plan.units.map(\.id))
                if let unknown = community.first(where: { !known.contains($0) }) {
                    throw ValidationError("unknown community \"\(unknown)\"; known: \(plan.units.map(\.id).joined(separator: ", "))")
                }
                units = plan.units.filter { community.contains($0.id) }
            }
            let templates = try options.templates(PackPrinter.requiredTemplates)
            let finder = parts.contains(.finder) ? Finder(plan: plan, scanned: try tracking.existingTracker(for: workspace)?.scannedFiles() ?? []) : nil
            let documents = try diagnostics.check { () throws(Diagnostic) in
                try PackPrinter(workspace: workspace, templates: templates, plan: plan).documents(units: units, parts: parts, finder: finder)
            }
            let paths = pack.paths(options, plan: plan)
            let writer = PDFWriter(folder: paths.packRoot + "/" + GeneratedName.printFolder, chromium: chromium)
            try diagnostics.check { () throws(Diagnostic) in try writer.prepare() }
            var sheets: [String] = []
            if parts.contains(.walkthrough) {
                for unit in units where unit.kind == .community {
                    let folder = paths.unitRoot(unit) + "/" + GeneratedName.walkthroughFolder
                    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".html") }.sorted()
                    sheets += names.map { folder + "/" + $0 }
                }
            }
            let progress = Progress("打印")
            let total = documents.count + sheets.count
            // The line shows while Chromium works and is cleared before each result is printed.
            func step(_ done: Int, _ name: String, _ work: () throws -> String) throws {
                progress.update(done: done, total: total, detail: name)
                defer { progress.finish() }
                let line = try work()
                progress.finish()
                Console.out(line)
            }
            for (index, document) in documents.enumerated() {
                try step(index, document.name) { try diagnostics.check { () throws(Diagnostic) in try writer.print(document.html, as: document.name) } }
            }
            for (index, sheet) in sheets.enumerated() {
                try step(documents.count + index, (sheet as NSString).lastPathComponent) {
                    try diagnostics.check { () throws(Diagnostic) in try PDFWriter.printBeside(html: sheet, chromium: chromium) }
                }
            }
        }
    }

    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "find",
            abstract: "Find ledger items and documents by words: section, box, folder and position.",
            discussion: """
                Every word must match (the item's code, title, indicator, box, documents, file-name \
                keywords, or the names of the files the last scan found).
                """)

        @OptionGroup var tracking: TrackerOptions
        @Argument(help: "Words to look for, e.g. 例会.") var words: [String]
        @Option(parsing: .upToNextOption, help: "Only these communities (ids; street for the street section).") var community: [String] = []

        func run() throws {
            let workspace = try tracking.workspace.load()
            let plan = PackPlanner(workspace: workspace).plan()
            let known = Set(plan.units.map(\.id))
            if let unknown = community.first(where: { !known.contains($0) }) {
                throw ValidationError("unknown community \"\(unknown)\"; known: \(plan.units.map(\.id).joined(separator: ", "))")
            }
            let finder = Finder(plan: plan, scanned: try tracking.existingTracker(for: workspace)?.scannedFiles() ?? [])
            let hits = finder.find(words, units: community.isEmpty ? nil : Set(community))
            guard !hits.isEmpty else {
                Console.out("未找到“\(words.joined(separator: " "))”")
                return
            }
            for hit in hits {
                Console.out("\(hit.unitName) · 第\(hit.boxNumber)盒/共\(hit.boxCount)盒 \(hit.binderName) · \(hit.itemCode) \(hit.itemTitle)")
                Console.out("  文件夹：\(hit.folder)")
                for document in hit.documents {
                    Console.out("  第\(document.position)份：\(document.title)（应有 \(document.quantity) 份）")
                }
                for file in hit.files { Console.out("  文件：\(file)") }
                if hit.files.isEmpty && hit.fileCount > 0 { Console.out("  已扫描文件 \(hit.fileCount) 个") }
            }
        }
    }
}
