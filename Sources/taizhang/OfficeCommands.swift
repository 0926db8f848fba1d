import ArgumentParser
import Foundation
import TaizhangCore
import TaizhangDiagnostics
import TaizhangOffice
import TaizhangTracker

extension ExportKind: ExpressibleByArgument {}
extension ExportFormat: ExpressibleByArgument {}

extension Taizhang {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write a report as an Excel workbook (xlsx) or CSV: status, gaps, tasks, log, catalogue or figures.",
            discussion: """
                Default file: output/<street>-<year>-导出/<sheet>.xlsx (状态, 失分项, 任务, 操作日志, 台账目录, 数据), \
                next to the pack rather than in it (exports are internal and stay off the USB stick). \
                Numbers are written as numbers, rates as percentages; text is never written as a formula. \
                CSV is UTF-8 with a byte-order mark and CRLF line ends; text that begins with = + - @ \
                gets a leading ' so that Excel does not run it. The same input gives the same bytes.
                """)

        @OptionGroup var options: TrackerOptions
        @Option(help: "xlsx or csv.") var format: ExportFormat = .xlsx
        @Option(help: "status, gaps, tasks, log, catalogue or figures.") var what: ExportKind
        @Option(help: "Only this community (id, or street).") var community: String?
        @Option(help: "The file to write.") var out: String?

        func run() throws {
            let workspace: Workspace
            let table: OfficeTable
            if what.readsTracker {
                let tracker = try options.tracker(readOnly: true)
                if let community { _ = try options.perform { try tracker.unit(community) } }
                workspace = tracker.workspace
                table = try ExportTables.table(what, tracker: tracker, community: community)
            } else {
                workspace = try options.workspace.load()
                if let community, community != Tracker.streetUnit, workspace.street.community(community) == nil {
                    throw ValidationError("unknown community \"\(community)\"; known: street, \(workspace.street.communities.map(\.id).joined(separator: ", "))")
                }
                table = ExportTables.table(what, workspace: workspace, community: community)
            }
            let root = options.workspace.root
            let path =
                out.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
                ?? PackPaths(outputRoot: root + "/output", plan: PackPlanner(workspace: workspace).plan()).packRoot + "-导出/\(table.name).\(format.rawValue)"
            let diagnostics = DiagnosticsEngine(root: root)
            _ = try diagnostics.check { () throws(Diagnostic) in
                try Self.write(table, format: format, to: path, created: ChinaTime.start(of: workspace.street.inspectionDate))
            }
            Console.out("\(Diagnostic.displayPath(path, relativeTo: root)): \(table.rows.count) rows")
        }

        private static func write(_ table: OfficeTable, format: ExportFormat, to path: String, created: Date) throws(Diagnostic) {
            do {
                switch format {
                case .xlsx: try WorkbookWriter.write([table], to: path, created: created)
                case .csv: try CSVWriter.write(table, to: path)
                }
            } catch let diagnostic as Diagnostic {
                throw diagnostic
            } catch {
                throw .error("office.write-failed", "cannot write the file: \(error.localizedDescription)", at: SourceLocation(file: path))
            }
        }
    }
}

extension Taizhang {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Bring a table typed in Excel into the checklists.",
            subcommands: [ImportCatalogue.self])
    }

    struct ImportCatalogue: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "catalogue",
            abstract: "Turn a catalogue table (xlsx or csv) into a category file of the checklists.",
            discussion: """
                Columns: 项目 / 指标名称 / 评估标准 / 分值 / 测评方式, optional 层级, 责任组, 台账资料 \
                (one ledger item per line) and 资料名称 (its documents, one per line, 会议纪要×4 for copies). \
                Merged cells count for every row they cover. The file is checked with the workspace's \
                validator before it is written; every problem points at its cell (FILE.xlsx:Sheet1!C7).
                """)

        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The table: .xlsx or .csv.") var file: String
        @Option(help: "The category file to write, e.g. checklists/catalogue/08-imported.xml.") var out: String
        @Option(help: "The category code (default: the digits the --out file name starts with).") var code: String?
        @Option(help: "Only the rows of this 项目 (a table may hold several).") var category: String?
        @Option(help: "The owner group (id) of indicators without a 责任组 cell.") var group: String?
        @Option(help: "The sheet to read (default: the first).") var sheet: String?
        @Flag(help: "Replace --out if it exists.") var force = false

        func run() throws {
            let root = options.root
            let diagnostics = DiagnosticsEngine(root: root, strict: options.strict)
            let outPath = URL(fileURLWithPath: out).standardizedFileURL.path
            let input = URL(fileURLWithPath: file).standardizedFileURL.path
            let checklists = root + "/checklists/"
            guard outPath.hasPrefix(checklists), outPath.hasSuffix(".xml") else {
                throw ValidationError("--out must be an .xml file inside \(Diagnostic.displayPath(checklists, relativeTo: root)), e.g. checklists/catalogue/08-imported.xml")
            }
            if FileManager.default.fileExists(atPath: outPath) && !force {
                throw diagnostics.fail(
                    .error(
                        "import.exists", "the file exists; nothing was written", at: SourceLocation(file: outPath), notes: ["pass --force to replace it"]))
            }
            let name = (outPath as NSString).lastPathComponent
            guard let code = code ?? name.prefix(while: \.isNumber).nilIfEmpty else {
                throw ValidationError("name the category code with --code (e.g. --code 08), or start the --out file name with it (08-…xml)")
            }
            let workspace = try options.load()
            let (table, readDiagnostics) = input.lowercased().hasSuffix(".csv") ? ImportTable.readCSV(file: input) : XLSXReader.read(file: input, sheet: sheet)
            diagnostics.emit(readDiagnostics)
            guard let table else { throw ExitCode.dataError }
            let result = CatalogueImporter(
                table: table, options: .init(code: code, category: category, group: group), groups: workspace.street.groups
            ).convert()
            diagnostics.emit(result.diagnostics)
            guard let xml = result.xml else { try diagnostics.exitIfFailed(summary: true); throw ExitCode.dataError }
            let relative = String(outPath.dropFirst(checklists.count))
            let check = ImportedCatalogueCheck.check(xml, relative: relative, workspace: root, displayPath: outPath)
            diagnostics.emit(check.diagnostics)
            if diagnostics.failed {
                Console.error("nothing was written")
                try diagnostics.exitIfFailed(summary: true)
            }
            _ = try diagnostics.check { () throws(Diagnostic) in
                do { try OfficeFiles.write(xml, to: outPath) } catch let error as Diagnostic { throw error } catch {
                    throw .error("office.write-failed", "cannot write the file: \(error.localizedDescription)", at: SourceLocation(file: outPath))
                }
            }
            Console.out("\(Diagnostic.displayPath(outPath, relativeTo: root)): \(result.indicators) indicators, \(result.items) ledger items")
            if !check.isIncluded {
                Console.out("add it to the catalogue in checklists/taizhang.xml: <xi:include href=\"\(relative)\"/>")
            }
        }
    }
}

extension Taizhang {
    struct Pack: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pack",
            abstract: "Pack the generated ledgers as one zip for the USB stick (Chinese names intact on Windows).",
            discussion: """
                Writes output/<street>-<year>.zip (or --out FILE) with the pack's folders, file names in \
                UTF-8 and a SHA256SUMS.txt listing every file. Folders and files named …内部资料… or \
                …（内部）… (walkthrough sheets with household data, preparation checklists) stay out \
                unless --include-internal. \
                Entries are sorted and dated the inspection day, so the same pack gives the same zip.
                """)

        @OptionGroup var options: WorkspaceOptions
        @Flag(help: "Write a zip (the only format so far).") var zip = false
        @Option(parsing: .upToNextOption, help: "Only these communities (ids; street for the street's own section).")
        var community: [String] = []
        @Flag(help: "Also pack what is marked 内部资料 or （内部） (walkthrough sheets, preparation checklists).") var includeInternal = false
        @Option(help: "Where packs are (default: <workspace>/output).") var packs: String?
        @Option(help: "The zip file to write.") var out: String?

        func validate() throws {
            if !zip { throw ValidationError("say --zip (the zip for the USB stick is the only package so far)") }
        }

        func run() throws {
            let workspace = try options.load()
            let plan = PackPlanner(workspace: workspace).plan()
            let outputRoot = packs.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? options.root + "/output"
            let packRoot = PackPaths(outputRoot: outputRoot, plan: plan).packRoot
            var folders: [String]?
            if !community.isEmpty {
                folders = try community.map { id in
                    guard let unit = plan.units.first(where: { $0.id == id }) else {
                        throw ValidationError("unknown community \"\(id)\"; known: \(plan.units.map(\.id).joined(separator: ", "))")
                    }
                    return unit.folderName
                }
            }
            let diagnostics = DiagnosticsEngine(root: options.root)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: packRoot, isDirectory: &isFolder), isFolder.boolValue else {
                throw diagnostics.fail(.error("zip.no-pack", "no pack here; run taizhang generate first", at: SourceLocation(file: packRoot)))
            }
            let zipPath = out.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? packRoot + ".zip"
            if zipPath.hasPrefix(packRoot + "/") { throw ValidationError("--out must lie outside the pack folder, or the zip would pack itself") }
            let progress = Progress("打包")
            let zipper = PackZipper(
                packRoot: packRoot,
                options: .init(
                    unitFolders: folders, includeInternal: includeInternal, day: workspace.street.inspectionDate,
                    progress: { done, total, name in progress.update(done: done, total: total, detail: name) }))
            let summary = try diagnostics.check { () throws(Diagnostic) in
                do { return try zipper.write(to: zipPath) } catch let error as Diagnostic { throw error } catch {
                    throw .error("zip.write-failed", "cannot write the zip: \(error.localizedDescription)", at: SourceLocation(file: zipPath))
                }
            }
            progress.finish()
            for path in summary.skipped {
                diagnostics.emit(.warning("zip.skipped", "left out: not a regular file or folder (a symbolic link?)", at: SourceLocation(file: packRoot + "/" + path)))
            }
            Console.out(
                "\(Diagnostic.displayPath(zipPath, relativeTo: options.root)): \(summary.files) files in \(summary.folders) folders, "
                    + "\(summary.bytes) bytes before compression, with \(PackZipper.manifestName)\(includeInternal ? "" : "; internal folders left out")")
        }
    }
}

extension Substring {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : String(self) }
}
